// Per-invoke cost of leak tracking (on in the runtime client's settings) in our runtime clients, for clean handlers:
// the runtime client as a real child process against a minimal recording Runtime API
// (test/helpers/fake-runtime-api.ts), sequential invokes, tracking off vs on. Prints a Markdown
// table: round-trip latency per invoke (fake API → runtime → fake API) and the runtime process's
// CPU per invoke (from /proc, 10 ms ticks: ± 10 ms / invokes). Run alone: `node bench/leak-overhead.ts`;
// `--other <checkout>` also runs that checkout's Node client, interleaved (this/other × off/on each round).
import { type ChildProcess, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FakeRuntimeApi } from '../test/helpers/fake-runtime-api.ts';
import { spawnRuntimeClient } from '../test/helpers/runtime-settings.ts';
import { ms, runStandalone, stats, table, treeCpuMs } from './lib.ts';

const ROOT = resolve(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'fixtures/functions');
const WARMUP = 500;
const INVOKES = 4000;
const ROUNDS = 2; // off/on alternated, to spread drift over both
const NODE_CLIENT = 'runtime-api/bootstrap/nodejs/index.mjs';

interface Case {
  name: string;
  cmd: string;
  args: string[];
  taskRoot: string;
  handler: string;
  env?: Record<string, string>;
}

/** An SQS SendMessage answer for the sdk-send fixture (MessageBody 'x': its MD5 is checked by the SDK). */
const sqsStub = createServer((req, res) => {
  req.resume().on('end', () => {
    res.setHeader('content-type', 'application/x-amz-json-1.0');
    res.end('{"MessageId":"00000000-0000-4000-8000-000000000000","MD5OfMessageBody":"9dd4e461268c8034f5c8564e155c67a6"}');
  });
});

const cases: Case[] = [
  { name: 'node noop', cmd: process.execPath, args: [join(ROOT, 'runtime-api/bootstrap/nodejs/index.mjs')], taskRoot: join(FIXTURES, 'noop'), handler: 'index.handler' },
  // awaits timers and Promise.all, clears a timer: tracked resources that all settle
  { name: 'node leaky-clean', cmd: process.execPath, args: [join(ROOT, 'runtime-api/bootstrap/nodejs/index.mjs')], taskRoot: join(FIXTURES, 'leaky-clean'), handler: 'index.handler' },
  // AWS SDK v3 SendMessage, awaited, against a local stub (env filled in when the stub listens)
  { name: 'node sdk-send (SQS)', cmd: process.execPath, args: [join(ROOT, 'runtime-api/bootstrap/nodejs/index.mjs')], taskRoot: join(FIXTURES, 'sdk-send'), handler: 'index.handler' },
];
if (spawnSync('python3', ['--version']).status === 0) {
  cases.push({ name: 'python clean (thread + subprocess)', cmd: 'python3', args: ['-u', '-B', join(ROOT, 'runtime-api/bootstrap/python/bootstrap.py')], taskRoot: join(FIXTURES, 'python-leaky'), handler: 'app.clean' });
}

/** The same case with another checkout's Node client. */
const withClient = (c: Case, root: string): Case => ({ ...c, args: c.args.map((a) => (a === join(ROOT, NODE_CLIENT) ? join(root, NODE_CLIENT) : a)) });

interface Run {
  latencies: number[];
  cpuUs: number;
}

async function run(c: Case, leaks: boolean, invokes: number): Promise<Run> {
  const api = await FakeRuntimeApi.start();
  const child: ChildProcess = spawnRuntimeClient(c.cmd, c.args, {
    cwd: c.taskRoot,
    env: {
      PATH: process.env.PATH ?? '',
      AWS_LAMBDA_RUNTIME_API: api.address,
      _HANDLER: c.handler,
      LAMBDA_TASK_ROOT: c.taskRoot,
      AWS_LAMBDA_FUNCTION_NAME: 'bench',
      ...c.env,
    },
  }, { leaks });
  child.stdout!.resume();
  child.stderr!.pipe(process.stderr);
  const exited = new Promise((r) => child.once('exit', r));
  try {
    for (let i = 0; i < Math.min(WARMUP, invokes); i++) await api.invoke({ payload: {} });
    const cpu0 = treeCpuMs([child.pid!]);
    const latencies: number[] = [];
    for (let i = 0; i < invokes; i++) {
      const t0 = performance.now();
      await api.invoke({ payload: {} });
      latencies.push(performance.now() - t0);
    }
    const cpuUs = ((treeCpuMs([child.pid!]) - cpu0) * 1000) / invokes;
    if (api.requests.some((r) => r.path.endsWith('/leaks'))) throw new Error(`${c.name}: a clean handler reported leaks`);
    return { latencies, cpuUs };
  } finally {
    child.kill('SIGKILL');
    await exited;
    await api.close();
  }
}

export async function leakOverhead(invokes = INVOKES, other?: string): Promise<string> {
  await new Promise<void>((r) => sqsStub.listen(0, '127.0.0.1', r));
  const stub = `http://127.0.0.1:${(sqsStub.address() as AddressInfo).port}`;
  const sdk = cases.find((c) => c.name.startsWith('node sdk-send'))!;
  sdk.env = {
    AWS_ENDPOINT_URL_SQS: stub, QUEUE_URL: `${stub}/000000000000/bench`, AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAEPHEMERALOCAL000', AWS_SECRET_ACCESS_KEY: 'bench', AWS_SESSION_TOKEN: 'bench',
  };
  try {
    return other === undefined ? await overheadTable(invokes) : await abTable(invokes, resolve(other));
  } finally {
    sqsStub.closeAllConnections();
    await new Promise((r) => sqsStub.close(r));
  }
}

async function overheadTable(invokes: number): Promise<string> {
  const rows: string[][] = [];
  for (const c of cases) {
    const n = c.name === 'node noop' ? invokes : Math.ceil(invokes / 5); // the others sleep or spawn per invoke
    const acc: Record<'off' | 'on', Run[]> = { off: [], on: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) acc[mode].push(await run(c, mode === 'on', n));
    }
    const sum = (mode: 'off' | 'on'): { p50: number; mean: number; cpu: number } => {
      const s = stats(acc[mode].flatMap((r) => r.latencies));
      return { p50: s.p50 * 1000, mean: s.mean * 1000, cpu: acc[mode].reduce((a, r) => a + r.cpuUs, 0) / acc[mode].length };
    };
    const off = sum('off');
    const on = sum('on');
    const us = (v: number): string => ms(v, 1);
    rows.push([c.name, String(n * ROUNDS), us(off.p50), us(on.p50), us(on.p50 - off.p50), us(off.mean), us(on.mean), us(on.mean - off.mean), us(off.cpu), us(on.cpu), us(on.cpu - off.cpu)]);
  }
  return [
    '### Leak tracking overhead per invoke (µs; round trip through a fake Runtime API; runtime CPU from /proc)',
    '',
    table(['handler', 'invokes', 'p50 off', 'p50 on', 'Δ p50', 'mean off', 'mean on', 'Δ mean', 'CPU off', 'CPU on', 'Δ CPU'], rows),
  ].join('\n');
}

/** This checkout's Node client and another's, tracking off and on, the four turning each round: CPU per invoke. */
async function abTable(invokes: number, other: string): Promise<string> {
  const rows: string[][] = [];
  const sides = [['this', ROOT], ['other', other]] as const;
  for (const c of cases.filter((k) => k.args.includes(join(ROOT, NODE_CLIENT)))) {
    const n = c.name === 'node noop' ? invokes : Math.ceil(invokes / 5);
    const modes = sides.flatMap(([side, root]) => [false, true].map((leaks) => ({ side, leaks, c: withClient(c, root), cpu: [] as number[] })));
    for (let round = 0; round < ROUNDS * 2; round++) {
      for (let k = 0; k < modes.length; k++) {
        const m = modes[(round + k) % modes.length];
        m.cpu.push((await run(m.c, m.leaks, n)).cpuUs);
      }
    }
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    const cpu = modes.map((m) => mean(m.cpu));
    const us = (v: number): string => ms(v, 1);
    rows.push([c.name, String(n * ROUNDS * 2), us(cpu[0]), us(cpu[1]), us(cpu[1] - cpu[0]), us(cpu[2]), us(cpu[3]), us(cpu[3] - cpu[2])]);
  }
  return [
    `### Leak tracking's runtime CPU per invoke (µs, from /proc), this checkout vs ${other}, interleaved`,
    '',
    table(['handler', 'invokes', 'this off', 'this on', 'this Δ', 'other off', 'other on', 'other Δ'], rows),
  ].join('\n');
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { other: { type: 'string' } } });
  await runStandalone('leak-overhead', () => leakOverhead(INVOKES, values.other));
}
