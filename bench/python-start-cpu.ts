// The Python runtime client's own start-up, in CPU time (/proc/<pid>/schedstat: steadier than wall time
// on a shared machine), for two checkouts side by side, alternating: a spawned runtime from spawn to its
// first GET /next (leak tracking on and off), and a blank from its assignment to its first GET /next
// (what a pooled cold start leaves to the runtime). No emulator: a bare HTTP listener stands for the
// Runtime API and the no-op fixture is the function.
//   node bench/python-start-cpu.ts <other checkout> [--runs 30]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { blockedOnFd6 } from '../server/environment/blank-sandbox.ts';
import { defaultRuntimes } from '../server/environment/runtimes.ts';
import { SETTINGS_FD } from '../server/environment/worker-process.ts';
import { machine, ms, sleep, stats, table } from './lib.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '30' } } });
if (positionals.length !== 1) throw new Error('usage: node bench/python-start-cpu.ts <other checkout> [--runs N]');
const python = defaultRuntimes().resolve('python3.12');
if ('error' in python) throw new Error(python.error);
const PYTHON = python.interpreter.path;
const TASK = fileURLToPath(new URL('../fixtures/functions/noop-py', import.meta.url));
const clients = {
  other: `${positionals[0]}/runtime-api/bootstrap/python/bootstrap.py`,
  this: fileURLToPath(new URL('../runtime-api/bootstrap/python/bootstrap.py', import.meta.url)),
};
type Side = keyof typeof clients;
const BASE_ENV = { PATH: '/usr/local/bin:/usr/bin/:/bin', LANG: 'en_US.UTF-8', TZ: ':UTC' };

let onNext: (() => void) | undefined;
const server = createServer(() => onNext?.());
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const FUNCTION_ENV = {
  ...BASE_ENV, AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${(server.address() as AddressInfo).port}`, _HANDLER: 'app.handler',
  LAMBDA_TASK_ROOT: TASK, AWS_LAMBDA_FUNCTION_NAME: 'noop-py', AWS_EXECUTION_ENV: 'AWS_Lambda_python3.12',
};

/** CPU ns the process has run (schedstat's first field). */
const cpuNs = (pid: number): number => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);

/** Starts a runtime; `ready` (optional) runs once it is started, `settings` are then written to fd 6;
 *  resolves with its CPU ms from `ready` (or spawn) to its first GET /next. */
async function measure(side: Side, env: Record<string, string>, cwd: string, settings: object, blank: boolean): Promise<number> {
  const stdio: Array<'ignore' | 'pipe' | 'inherit'> = ['ignore', 'ignore', 'inherit'];
  while (stdio.length < SETTINGS_FD) stdio.push('ignore');
  stdio.push('pipe');
  const child = spawn(PYTHON, ['-u', '-B', clients[side]], { cwd, env, stdio });
  const pid = child.pid!;
  let from = 0;
  if (blank) {
    while (!blockedOnFd6(pid)) await sleep(5);
    from = cpuNs(pid);
  }
  const next = new Promise<number>((resolve) => (onNext = () => resolve(cpuNs(pid) - from)));
  ((child.stdio as unknown[])[SETTINGS_FD] as Writable).end(JSON.stringify(settings));
  const ns = await next;
  onNext = undefined;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  return ns / 1e6;
}

const cases: Array<{ name: string; run: (side: Side) => Promise<number> }> = [
  { name: 'spawned, leak tracking on: spawn → first GET /next', run: (s) => measure(s, FUNCTION_ENV, TASK, { leaks: true }, false) },
  { name: 'spawned, leak tracking off', run: (s) => measure(s, FUNCTION_ENV, TASK, { leaks: false }, false) },
  {
    name: 'blank, leak tracking on: assignment → first GET /next',
    run: (s) => measure(s, BASE_ENV, '/', { leaks: true, assignment: { env: FUNCTION_ENV, cwd: TASK } }, true),
  },
];
const rows: string[][] = [];
try {
  for (const c of cases) {
    const cpu: Record<Side, number[]> = { other: [], this: [] };
    for (let i = 0; i <= Number(values.runs); i++) {
      for (const side of (i % 2 ? ['other', 'this'] : ['this', 'other']) as Side[]) {
        const v = await c.run(side);
        if (i > 0) cpu[side].push(v); // the first run warms the page cache
      }
    }
    for (const side of ['other', 'this'] as Side[]) {
      const s = stats(cpu[side]);
      rows.push([c.name, side === 'this' ? 'this checkout' : positionals[0], ms(s.p50, 1), ms(s.p90, 1), ms(s.min, 1)]);
    }
  }
} finally {
  server.close();
}
console.log(`${machine()}, Python ${python.interpreter.version}, ${values.runs} runs per side after one untimed\n`);
console.log(table(['case', 'runtime client', 'CPU median ms', 'p90 ms', 'min ms'], rows));
