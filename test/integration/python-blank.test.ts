// The Python runtime client as a blank sandbox runs it (started by hand, no emulator): before it waits on
// fd 6 it has imported all of itself and what INIT would import, so after the assignment only the
// function's module is imported; and none of its module state comes from the environment it started
// with (here a hostile one, a previous function's configuration): the function's own applies.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { blockedOnFd6 } from '../../server/environment/blank-sandbox.ts';
import { defaultRuntimes } from '../../server/environment/runtimes.ts';
import { SETTINGS_FD } from '../../server/environment/worker-process.ts';
import { FakeRuntimeApi } from '../helpers/fake-runtime-api.ts';
import { fixture, isAlive, waitFor } from '../helpers/emulator.ts';

const CLIENT = resolve(import.meta.dirname, '../../runtime-api/bootstrap/python/bootstrap.py');
const python = defaultRuntimes().resolve('python3.12');
const PYTHON = 'error' in python ? undefined : python.interpreter.path;
const TASK_ROOT = fixture('functions/blank-config-py');

/** What a previous function's environment would have set: a blank must hold none of it. */
const PREVIOUS = {
  AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'ERROR', AWS_EXECUTION_ENV: 'AWS_Lambda_python3.12',
  AWS_LAMBDA_MAX_CONCURRENCY: '3', _HANDLER: 'previous.handler', LAMBDA_TASK_ROOT: '/nonexistent', AWS_LAMBDA_FUNCTION_NAME: 'previous',
};
const BASE = { PATH: '/usr/local/bin:/usr/bin/:/bin', LANG: 'en_US.UTF-8', TZ: ':UTC' };

/** Module names in `python -X importtime` lines. */
const imported = (text: string): string[] => [...text.matchAll(/^import time:\s+\d+ \|\s+\d+ \| ( *)(\S+)$/gm)].map((m) => m[2]);

let child: ChildProcess | undefined;
let api: FakeRuntimeApi | undefined;
afterEach(async () => {
  const pid = child?.pid;
  if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
  if (pid !== undefined) await waitFor(() => !isAlive(pid), 5000);
  await api?.close();
  child = undefined;
  api = undefined;
});

describe.skipIf(!PYTHON)('a blank Python runtime', () => {
  it("imports all of the client before its assignment, then only the function's module; the function's configuration applies, not the start environment's", async () => {
    api = await FakeRuntimeApi.start();
    const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'pipe', 'pipe'];
    while (stdio.length < SETTINGS_FD) stdio.push('ignore');
    stdio.push('pipe');
    // As a blank is started (its argv, cwd /), with -X importtime added, and a previous function's variables.
    child = spawn(PYTHON!, ['-X', 'importtime', '-u', '-B', CLIENT], { cwd: '/', env: { ...BASE, ...PREVIOUS }, stdio });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const pid = child.pid!;
    await waitFor(() => blockedOnFd6(pid), 10_000);
    const before = imported(stderr);
    const mark = stderr.length;
    for (const name of ['_ephemera_common', '_ephemera_context', '_ephemera_leaks', '_ephemera_logs', '_ephemera_rapid_client', '_ephemera_settings', 'managed_runner', 'json', 'socket', 'traceback', 'logging', 'threading', 'subprocess', 'concurrent.futures']) {
      expect(before, name).toContain(name);
    }

    const env = {
      ...BASE, AWS_LAMBDA_RUNTIME_API: api.address, _HANDLER: 'app.handler', LAMBDA_TASK_ROOT: TASK_ROOT,
      AWS_LAMBDA_FUNCTION_NAME: 'assigned', AWS_EXECUTION_ENV: 'AWS_Lambda_python3.11', AWS_LAMBDA_LOG_FORMAT: 'Text', AWS_LAMBDA_LOG_LEVEL: 'INFO',
    };
    ((child.stdio as unknown[])[SETTINGS_FD] as Writable).end(JSON.stringify({ leaks: true, assignment: { env, cwd: TASK_ROOT } }));
    const outcome = await api.invoke({ payload: {} });
    expect(outcome.kind).toBe('response');
    // python3.11's encoder escapes non-ASCII (python3.12's, which the start environment named, does not).
    expect(outcome.request.body).toContain('"text": "\\u00e9"');
    expect(outcome.json).toEqual({ function: 'assigned', text: 'é', maxConcurrency: null, handlerModule: `${TASK_ROOT}/app.py` });
    // Text log lines at INFO (the start environment said JSON at ERROR): INIT's, then the invocation's.
    const rid = outcome.request.path.split('/').at(-2);
    await waitFor(() => stdout.includes('invoked é'), 5000);
    expect(stdout).toMatch(/^\[INFO\]\t\S+Z\t\tinit of assigned\n/m);
    expect(stdout).toContain(`\t${rid}\tinvoked é\n`);
    expect(stdout).not.toContain('not at INFO');
    expect(stdout).not.toContain('{"timestamp"');
    // After the assignment: what the function's module imports (colorsys; its own import, by importlib, is
    // not in -X importtime's report) and nothing of the client's or of what it uses.
    expect(imported(stderr.slice(mark))).toEqual(['colorsys']);
  });
});
