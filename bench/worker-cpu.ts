// The Node runtime client's CPU per invoke alone: real runtime processes (index.mjs, a no-op handler)
// against the raw floor's server (bench/raw-floor.ts), no emulator, so the worker's own cost is seen
// without the emulator's share of the machine. Several sides are measured interleaved (their order
// turning every round) so that all see the same load on a shared VM: leak tracking off and on, the raw
// floor's worker, optionally the runtime client of another checkout, and with --freeze a SIGSTOP and
// SIGCONT around each invoke at concurrency 1, as the emulator freezes an idle environment. CPU is
// every thread's run time from /proc/<pid>/task/*/schedstat (ns), so a round's figure is exact too.
// --warmup sets the invokes per worker before the first round: with the default the rounds still
// include the JIT's tier-up and V8's first compilations (a one-time cost per environment);
// --warmup 2000 measures warm environments (the steady state).
//   node bench/worker-cpu.ts [--other <checkout>] [--conc 8] [--rounds 10] [--per 800] [--warmup 200] [--freeze]
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { spawnRuntimeClient } from '../test/helpers/runtime-settings.ts';
import { runStandalone, table } from './lib.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RAW_FLOOR = join(ROOT, 'bench/raw-floor.ts');
const NOOP = join(ROOT, 'fixtures/functions/noop');
/** The flags the emulator starts Node with (server/environment/runtimes.ts, outside cgroup isolation). */
const NODE_FLAGS = ['--max-http-header-size', '81920', '--v8-pool-size=1'];

interface SideSpec {
  name: string;
  /** A runtime client directory, or 'raw' for the raw floor's worker. */
  runtime: string;
  leaks: boolean;
}

interface Side extends SideSpec {
  pids: number[];
  run(invokes: number): Promise<void>;
  close(): Promise<void>;
  /** CPU µs of its workers, and µs per invoke in each round. */
  cpuUs: number;
  rounds: number[];
  invokes: number;
}

/** CPU run time of all of a process's threads, in µs (0 once it is gone). */
function cpuUs(pid: number): number {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
  } catch {
    // (exited)
  }
  return ns / 1000;
}

async function start(spec: SideSpec, conc: number, freeze: boolean, warmup: number): Promise<Side> {
  const server = spawn(process.execPath, [RAW_FLOOR, 'server'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((ok, fail) => {
    server.stdout!.once('data', (d: Buffer) => ok(Number(d.toString().trim())));
    server.once('exit', () => fail(new Error('raw floor server exited')));
  });
  const workers: ChildProcess[] = [];
  for (let i = 0; i < conc; i++) {
    if (spec.runtime === 'raw') {
      workers.push(spawn(process.execPath, [...NODE_FLAGS, RAW_FLOOR, 'worker', String(port)], { stdio: 'ignore' }));
      continue;
    }
    const worker = spawnRuntimeClient(process.execPath, [...NODE_FLAGS, join(spec.runtime, 'index.mjs')], {
      cwd: NOOP,
      env: { PATH: process.env.PATH, AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`, _HANDLER: 'index.handler', LAMBDA_TASK_ROOT: NOOP, AWS_LAMBDA_FUNCTION_NAME: 'noop' },
    }, { leaks: spec.leaks });
    worker.stdout!.resume(); // (a no-op handler writes nothing; drained all the same)
    worker.stderr!.pipe(process.stderr);
    workers.push(worker);
  }
  const agent = new Agent({ connections: conc, pipelining: 1 });
  const signal = (sig: NodeJS.Signals): void => void (freeze && process.kill(workers[0].pid!, sig));
  const one = async (): Promise<void> => {
    signal('SIGCONT');
    const res = await request(`http://127.0.0.1:${port}/invoke`, { method: 'POST', body: '{}', dispatcher: agent });
    await res.body.text();
    await new Promise((r) => setImmediate(r)); // the worker's GET /next is on its way
    signal('SIGSTOP');
  };
  const run = async (invokes: number): Promise<void> => {
    let left = invokes;
    await Promise.all(Array.from({ length: conc }, async () => {
      while (left-- > 0) await one();
    }));
    signal('SIGCONT');
  };
  const exited = (c: ChildProcess): Promise<void> => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
  await run(conc * warmup);
  return {
    ...spec, run, cpuUs: 0, rounds: [], invokes: 0, pids: workers.map((w) => w.pid!),
    close: async () => {
      for (const w of workers) w.kill('SIGKILL');
      server.stdin!.end();
      await Promise.all([server, ...workers].map(exited));
      await agent.close();
    },
  };
}

async function workerCpu(): Promise<string> {
  const { values } = parseArgs({
    options: {
      other: { type: 'string' }, conc: { type: 'string', default: '8' }, rounds: { type: 'string', default: '10' },
      per: { type: 'string', default: '800' }, warmup: { type: 'string', default: '200' }, freeze: { type: 'boolean', default: false },
    },
  });
  const conc = Number(values.conc);
  const freeze = values.freeze && conc === 1;
  const here = join(ROOT, 'runtime-api/bootstrap/nodejs');
  const specs: SideSpec[] = [
    { name: 'raw floor worker', runtime: 'raw', leaks: false },
    { name: 'runtime, leak tracking off', runtime: here, leaks: false },
    { name: 'runtime, leak tracking on', runtime: here, leaks: true },
  ];
  if (values.other) {
    const there = join(resolve(values.other), 'runtime-api/bootstrap/nodejs');
    specs.push({ name: 'other: leak tracking off', runtime: there, leaks: false }, { name: 'other: leak tracking on', runtime: there, leaks: true });
  }
  const sides: Side[] = [];
  try {
    for (const spec of specs) sides.push(await start(spec, conc, freeze, Number(values.warmup)));
    for (let round = 0; round < Number(values.rounds); round++) {
      // Each round starts with the next side: every side runs first, last and between as often.
      for (let k = 0; k < sides.length; k++) {
        const side = sides[(round + k) % sides.length];
        const t0 = side.pids.reduce((a, p) => a + cpuUs(p), 0);
        await side.run(Number(values.per));
        const used = side.pids.reduce((a, p) => a + cpuUs(p), 0) - t0;
        side.cpuUs += used;
        side.rounds.push(used / Number(values.per));
        side.invokes += Number(values.per);
      }
    }
  } finally {
    await Promise.all(sides.map((s) => s.close()));
  }
  const us = (s: Side): number => s.cpuUs / s.invokes;
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1];
  const off = sides.find((s) => s.runtime === here && !s.leaks)!;
  const rows = sides.map((s) => [s.name, us(s).toFixed(0), median(s.rounds).toFixed(0), s.runtime === 'raw' ? '–' : `${(us(s) / us(sides[0])).toFixed(2)}×`]);
  const on = sides.find((s) => s.runtime === here && s.leaks)!;
  const otherOff = sides.find((s) => s.name.startsWith('other') && !s.leaks);
  const otherOn = sides.find((s) => s.name.startsWith('other') && s.leaks);
  const added = (a: Side, b: Side): string => `${(us(a) - us(b)).toFixed(0)} µs (${((100 * (us(a) - us(b))) / us(b)).toFixed(0)} %)`;
  return [
    `### Worker CPU per invoke alone (no-op handler, concurrency ${conc}${freeze ? ', SIGSTOP/SIGCONT around each invoke' : ''}; ${values.warmup} warm-up invokes per worker, then ${values.rounds} rounds × ${values.per} invokes per side, interleaved)`,
    '',
    table(['side', 'worker µs', 'median of rounds', '÷ raw floor worker'], rows),
    '',
    `- Leak tracking adds ${added(on, off)} here${otherOn ? `, ${added(otherOn, otherOff!)} in the other checkout` : ''}.`,
  ].join('\n');
}

if (import.meta.main) await runStandalone('worker-cpu', workerCpu);
