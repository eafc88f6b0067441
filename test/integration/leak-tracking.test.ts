// Leak tracking in our runtime clients (design §5), each a real child process against a recording
// Runtime API: the leak report POSTed after each invocation (kind, count, where it was created, the
// request), nothing for a clean handler, "[leaked from <rid>]" on output of leaked callbacks, and
// nothing at all (no report, no marking, no hooks) when the emulator's settings (fd 6) do not ask for it.
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultRuntimes } from '../../server/environment/runtimes.ts';
import { procState, waitFor } from '../helpers/emulator.ts';
import { FakeRuntimeApi, type RecordedRequest } from '../helpers/fake-runtime-api.ts';
import { spawnRuntimeClient } from '../helpers/runtime-settings.ts';
import { collectOutput } from '../helpers/node-runtime-client.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const NODE_CLIENT = join(ROOT, 'runtime-api/bootstrap/nodejs/index.mjs');
const PY_CLIENT = join(ROOT, 'runtime-api/bootstrap/python/bootstrap.py');
const FIXTURES = join(ROOT, 'fixtures/functions');
const PYTHON = spawnSync('python3', ['--version']).status === 0 ? 'python3' : undefined;
const python312 = defaultRuntimes().resolve('python3.12');
const PYTHON_312 = 'error' in python312 ? PYTHON : python312.interpreter.path;

interface Runtime {
  child: ChildProcess;
  api: FakeRuntimeApi;
  lines: string[];
  stderr: () => string;
  exit: Promise<unknown>;
}

const started: Runtime[] = [];
/** Processes the functions spawned (must be gone after the runtime's process group is killed). */
const grandchildren: number[] = [];
let scratch: string;

const gone = (pid: number): boolean => {
  const state = procState(pid);
  return state === undefined || state === 'Z';
};

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ephemera-leaks-'));
  // The handler's own stack: which runtime frames call it (tracking wraps the call in the store).
  writeFileSync(join(scratch, 'stack.mjs'), 'export const handler = async () => ({ stack: new Error().stack });\n');
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

afterEach(async () => {
  for (const rt of started.splice(0)) {
    const pid = rt.child.pid!;
    // The runtime leads its own process group: this also ends whatever its functions spawned.
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await rt.exit;
    await rt.api.close();
    expect(gone(pid)).toBe(true);
  }
  for (const pid of grandchildren.splice(0)) expect(await waitFor(() => gone(pid), 3000)).toBe(true);
});

async function start(kind: 'node' | 'python', taskRoot: string, handler: string, env: Record<string, string> = {}, leaks = true, python = PYTHON): Promise<Runtime> {
  const api = await FakeRuntimeApi.start();
  const [cmd, args] = kind === 'node' ? [process.execPath, [NODE_CLIENT]] : [python!, ['-u', '-B', PY_CLIENT]];
  const child = spawnRuntimeClient(cmd, args, {
    cwd: taskRoot,
    detached: true,
    env: {
      PATH: process.env.PATH ?? '',
      AWS_LAMBDA_RUNTIME_API: api.address,
      _HANDLER: handler,
      LAMBDA_TASK_ROOT: taskRoot,
      AWS_EXECUTION_ENV: kind === 'node' ? 'AWS_Lambda_nodejs24.x' : 'AWS_Lambda_python3.12',
      AWS_LAMBDA_FUNCTION_NAME: 'fixture',
      AWS_LAMBDA_LOG_FORMAT: 'Text',
      ...env,
    },
  }, { leaks });
  const { lines, stderr } = collectOutput(child);
  const exit = new Promise((res) => child.on('exit', res));
  const rt = { child, api, lines, stderr, exit };
  started.push(rt);
  return rt;
}

const fixture = (name: string): string => join(FIXTURES, name);

/** `file:line:col` (Node) or `file:line` (Python) of the first occurrence of `needle` in a fixture file. */
function at(file: string, needle: string, withColumn = true): string {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  return withColumn ? `${file}:${i + 1}:${lines[i].indexOf(needle) + 1}` : `${file}:${i + 1}`;
}

const leakPosts = (api: FakeRuntimeApi): RecordedRequest[] => api.requests.filter((r) => r.path.endsWith('/leaks'));

/** Invokes once; resolves the leak report POSTed for it (undefined when none came before the next GET /next). */
async function invokeAndReport(rt: Runtime, payload: unknown = {}): Promise<{ rid: string; json: unknown; report: unknown }> {
  const o = await rt.api.invoke({ payload });
  const rid = o.request.path.split('/').at(-2)!;
  // The next GET /next comes after the report (if any): wait for it, then look.
  await rt.api.waitFor((r) => r.seq > o.request.seq && r.path.endsWith('/invocation/next'));
  const post = leakPosts(rt.api).find((r) => r.path === `/_ephemera/runtime/invocation/${rid}/leaks`);
  if (post) {
    expect(post.method).toBe('POST');
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.seq).toBe(o.request.seq + 1); // right after the outcome, before GET /next
    expect(post.remotePort).toBe(o.request.remotePort); // on the same connection
  }
  return { rid, json: o.json, report: post ? JSON.parse(post.body) : undefined };
}

describe('Node runtime client: leak reports', () => {
  it('setTimeout: reported with its creation site; its late output is marked in the next invocation', async () => {
    const file = join(fixture('leaky-timeout'), 'index.mjs');
    const rt = await start('node', fixture('leaky-timeout'), 'index.handler');
    const first = await invokeAndReport(rt, { delay: 300 });
    expect(first.report).toEqual({
      requestId: first.rid,
      leaks: [{ kind: 'timeout', count: 1, createdAt: at(file, 'setTimeout('), detail: 'setTimeout 300 ms' }],
    });
    const second = await invokeAndReport(rt, { delay: 5000 });
    const late = await waitFor(() => rt.lines.find((l) => l.endsWith(' late')));
    expect(late).toMatch(new RegExp(`\\t${second.rid}\\tINFO\\t\\[leaked from ${first.rid}\\] late$`));
  });

  it('setInterval', async () => {
    const file = join(fixture('leaky-interval'), 'index.mjs');
    const rt = await start('node', fixture('leaky-interval'), 'index.handler');
    const { rid, report } = await invokeAndReport(rt);
    expect(report).toEqual({
      requestId: rid,
      leaks: [{ kind: 'interval', count: 1, createdAt: at(file, 'setInterval('), detail: 'setInterval 1000 ms' }],
    });
  });

  it('Promise.all: the still-running sibling is its timer (the promises waiting on it are not listed); it finishes in the next request', async () => {
    const file = join(fixture('leaky-promise-all'), 'index.mjs');
    const rt = await start('node', fixture('leaky-promise-all'), 'index.handler');
    const first = await invokeAndReport(rt);
    expect(first.json).toMatchObject({ errorType: 'Error', errorMessage: 'first one failed' });
    expect(first.report).toEqual({
      requestId: first.rid,
      leaks: [{ kind: 'timeout', count: 1, createdAt: at(file, 'setTimeout('), detail: 'setTimeout 200 ms' }],
    });
    const second = await invokeAndReport(rt);
    const line = await waitFor(() => rt.lines.find((l) => l.endsWith('sibling finished')));
    expect(line).toMatch(new RegExp(`\\t${second.rid}\\tINFO\\t\\[leaked from ${first.rid}\\] sibling finished$`));
  });

  it('a listening server, a client socket and the accepted connection', async () => {
    const file = join(fixture('leaky-socket'), 'index.mjs');
    const rt = await start('node', fixture('leaky-socket'), 'index.handler');
    const { rid, report } = await invokeAndReport(rt);
    expect(report).toEqual({
      requestId: rid,
      leaks: [
        { kind: 'server', count: 1, createdAt: at(file, 'listen(0'), detail: 'TCP server' },
        { kind: 'socket', count: 1, createdAt: at(file, 'createConnection('), detail: 'TCP socket' },
        // accepted by the server (no JS frame creates it): attributed to the server
        { kind: 'socket', count: 1, createdAt: at(file, 'listen(0'), detail: 'TCP socket' },
      ],
    });
  });

  it('a child process', async () => {
    const file = join(fixture('leaky-child'), 'index.mjs');
    const rt = await start('node', fixture('leaky-child'), 'index.handler');
    const { rid, json, report } = await invokeAndReport(rt);
    const { pid } = json as { pid: number };
    grandchildren.push(pid);
    expect(report).toEqual({
      requestId: rid,
      leaks: [{ kind: 'child-process', count: 1, createdAt: at(file, 'spawn('), detail: `pid ${pid}: sleep 30` }],
    });
  });

  it('a file watcher', async () => {
    const file = join(fixture('leaky-watcher'), 'index.mjs');
    const rt = await start('node', fixture('leaky-watcher'), 'index.handler');
    const { rid, report } = await invokeAndReport(rt);
    expect(report).toEqual({
      requestId: rid,
      leaks: [{ kind: 'file-watcher', count: 1, createdAt: at(file, 'watch('), detail: 'fs.watch' }],
    });
  });

  it('a clean handler (awaited timers, a cleared timer) reports nothing', async () => {
    const rt = await start('node', fixture('leaky-clean'), 'index.handler');
    for (let i = 0; i < 3; i++) expect((await invokeAndReport(rt)).report).toBeUndefined();
    expect(leakPosts(rt.api)).toEqual([]);
  });

  it('JSON log format: leaked output carries a leakedFrom field', async () => {
    const rt = await start('node', fixture('leaky-timeout'), 'index.handler', { AWS_LAMBDA_LOG_FORMAT: 'JSON' });
    const first = await invokeAndReport(rt, { delay: 50 });
    const second = await invokeAndReport(rt, { delay: 5000 });
    const line = await waitFor(() => rt.lines.find((l) => l.includes('"late"')));
    const record = JSON.parse(line);
    expect(record).toMatchObject({ level: 'INFO', message: 'late', leakedFrom: first.rid });
    // Mostly during the second invocation; on a loaded machine the 50 ms timer may fire before it starts.
    expect([first.rid, second.rid]).toContain(record.requestId);
  });

  it('off when the settings do not ask for it: no report, no marking, the handler called directly', async () => {
    const rt = await start('node', fixture('leaky-timeout'), 'index.handler', {}, false);
    const first = await invokeAndReport(rt, { delay: 20 });
    const second = await invokeAndReport(rt, { delay: 5000 });
    const late = await waitFor(() => rt.lines.find((l) => l.endsWith('\tlate')));
    // Mostly during the second invocation; on a loaded machine the 20 ms timer may fire before it starts.
    expect(late).toMatch(new RegExp(`\\t(${first.rid}|${second.rid})\\tINFO\\tlate$`));
    expect(leakPosts(rt.api)).toEqual([]);

    const off = await start('node', scratch, 'stack.handler', {}, false);
    const offStack = ((await off.api.invoke({ payload: {} })).json as { stack: string }).stack;
    expect(offStack).not.toMatch(/invoke-hooks\.mjs|AsyncLocalStorage/);
    const on = await start('node', scratch, 'stack.handler');
    const onStack = ((await on.api.invoke({ payload: {} })).json as { stack: string }).stack;
    expect(onStack).toMatch(/invoke-hooks\.mjs/);
  });
});

describe.skipIf(!PYTHON)('Python runtime client: leak reports', () => {
  const dir = fixture('python-leaky');
  const file = join(dir, 'app.py');

  it('a thread still running; its output is marked', async () => {
    const rt = await start('python', dir, 'app.thread');
    const first = await invokeAndReport(rt);
    expect(first.report).toEqual({
      requestId: first.rid,
      leaks: [{ kind: 'thread', count: 1, createdAt: at(file, '.start()', false), detail: 'thread _late (daemon)' }],
    });
    const line = await waitFor(() => rt.lines.find((l) => l.endsWith('thread finished')), 4000);
    expect(line).toBe(`[leaked from ${first.rid}] thread finished`);
  });

  it('a subprocess still running', async () => {
    const rt = await start('python', dir, 'app.subprocess');
    const { rid, json, report } = await invokeAndReport(rt);
    const { pid } = json as { pid: number };
    grandchildren.push(pid);
    expect(report).toEqual({
      requestId: rid,
      leaks: [{ kind: 'subprocess', count: 1, createdAt: at(file, 'sp.Popen(', false), detail: `pid ${pid}: sleep 30` }],
    });
  });

  it('threading imported only by the handler, after a probe for it (find_spec): patched as it loads, the thread reported', async () => {
    // python3.12's interpreter (the one functions run with): python3 here may import threading as it starts (a .pth).
    const rt = await start('python', dir, 'late_import.handler', {}, true, PYTHON_312);
    const { rid, json, report } = await invokeAndReport(rt);
    expect(json).toEqual({ threadingLoadedBefore: false });
    const late = join(dir, 'late_import.py');
    expect(report).toEqual({ requestId: rid, leaks: [{ kind: 'thread', count: 1, createdAt: at(late, '.start()', false), detail: 'thread sleep (daemon)' }] });
  });

  it('a clean handler (joined thread, finished subprocess) reports nothing; off reports nothing', async () => {
    const rt = await start('python', dir, 'app.clean');
    expect((await invokeAndReport(rt)).report).toBeUndefined();
    const off = await start('python', dir, 'app.subprocess', {}, false);
    const { json } = await invokeAndReport(off);
    grandchildren.push((json as { pid: number }).pid);
    expect(leakPosts(off.api)).toEqual([]);
  });
});
