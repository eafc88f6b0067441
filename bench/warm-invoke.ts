// Warm no-op invoke: latency at concurrency 1 and invokes/s at concurrency 8 through the real
// emulator (in-process buildApp, each isolation level), next to loopback baselines from the same
// run. Prints a Markdown table. Run alone: `node bench/warm-invoke.ts`. The sequential latency is
// measured twice: with the client in this process, and from a separate client process (as an
// AWS SDK in a test runner calls the emulator).
import { type Baseline, runtimeLoop, twoHops, twoRoundTrips } from './baselines.ts';
import { remoteSequential } from './client.ts';
import {
  type CpuCost, INVOKE_PATH, type Stats, type Throughput, client, concurrent, discard, gc, isolationLevels, machine,
  mb, ms, post, sequential, startEmulator, stats, table, withCpu,
  runStandalone,
} from './lib.ts';

export interface WarmConfig {
  warmup: number;
  sequential: number;
  throughput: number;
  concurrency: number;
}

export const WARM_DEFAULTS: WarmConfig = { warmup: 200, sequential: 3000, throughput: 5000, concurrency: 8 };

interface Row {
  name: string;
  seq: Stats;
  /** Absent for the separate-process rows (sequential only). */
  thr?: Throughput;
  cpu: CpuCost;
  /** Separate-process rows: the client process's CPU, µs per op. */
  clientUs?: number;
}

/** The sequential run from a separate client process; CPU is charged over its warm-up + timed ops. */
async function measureRemote(name: string, origin: string, paths: string[], pids: (() => number[]) | undefined, cfg: WarmConfig): Promise<Row> {
  const { result, cpu } = await withCpu(cfg.warmup + cfg.sequential, pids, () => remoteSequential(origin, paths, cfg.sequential, cfg.warmup));
  return { name, seq: stats(result.latencies), cpu, clientUs: result.clientUs };
}

async function measure(name: string, make: (concurrency: number) => Promise<Baseline>, cfg: WarmConfig): Promise<Row> {
  // Sequential with one connection; throughput with `concurrency` connections (and environments).
  const one = await make(1);
  let seq: Stats;
  let cpu: CpuCost;
  try {
    for (let i = 0; i < cfg.warmup; i++) await one.op();
    ({ result: seq, cpu } = await withCpu(cfg.sequential, one.pids, async () => stats(await sequential(one.op, cfg.sequential, 0))));
  } finally {
    await one.close();
  }
  const many = await make(cfg.concurrency);
  try {
    const thr = await concurrent(many.op, cfg.throughput, cfg.concurrency, cfg.warmup);
    return { name, seq, thr, cpu };
  } finally {
    await many.close();
  }
}

export async function warmInvoke(cfg: WarmConfig = WARM_DEFAULTS): Promise<string> {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const isolation of isolationLevels()) {
    const emu = await startEmulator(isolation, discard);
    if (typeof emu === 'string') {
      notes.push(`- emulator (${isolation}) skipped: ${emu}`);
      continue;
    }
    try {
      // Sequential: one connection, so one environment stays warm. Then 8 connections, 8 environments.
      const one = client(emu.origin, 1);
      const many = client(emu.origin, cfg.concurrency);
      try {
        const op1 = (): Promise<void> => post(one, INVOKE_PATH);
        for (let i = 0; i < cfg.warmup; i++) await op1();
        gc();
        const heapBefore = process.memoryUsage().heapUsed;
        const pids = (): number[] => emu.eph.internals.pool.environments().map((e) => e.pid ?? 0).filter((p) => p > 0);
        const { result: seq, cpu } = await withCpu(cfg.sequential, pids, async () => stats(await sequential(op1, cfg.sequential, 0)));
        const thr = await concurrent(() => post(many, INVOKE_PATH), cfg.throughput, cfg.concurrency, cfg.warmup);
        gc();
        const heapAfter = process.memoryUsage().heapUsed;
        const envs = emu.eph.internals.pool.environments().length;
        rows.push({ name: `ephemera warm invoke (${isolation})`, seq, thr, cpu });
        rows.push(await measureRemote(`ephemera warm invoke (${isolation}), client in another process`, emu.origin, [INVOKE_PATH], pids, cfg));
        notes.push(`- ephemera (${isolation}): ${envs} environments after the concurrency-${cfg.concurrency} run; `
          + `bench-process heap after GC ${mb(heapBefore)} MB before → ${mb(heapAfter)} MB after `
          + `${cfg.sequential + cfg.throughput + cfg.warmup} more invokes.`);
      } finally {
        await one.close();
        await many.close();
      }
    } finally {
      await emu.close();
    }
  }

  const base = await measure('baseline: 2 sequential loopback round trips', twoRoundTrips, cfg);
  rows.push(base);
  const rt = await twoRoundTrips(1);
  try {
    rows.push(await measureRemote('baseline: 2 sequential loopback round trips, client in another process', rt.remote!.origin, rt.remote!.paths, undefined, cfg));
  } finally {
    await rt.close();
  }
  rows.push(await measure('baseline: 2 hops (client → A → B)', twoHops, cfg));
  rows.push(await measure('baseline: minimal Runtime API loop (real runtime client)', (c) => runtimeLoop(c, false), cfg));
  rows.push(await measure('baseline: same + SIGSTOP/SIGCONT per invoke', (c) => runtimeLoop(c, true), cfg));

  const out = table(
    ['case', 'p50 ms', 'p90 ms', 'p99 ms', 'mean ms', `p50 ÷ 2-RT`, `inv/s @c${cfg.concurrency}`, `p50 ms @c${cfg.concurrency}`, `p99 ms @c${cfg.concurrency}`, 'CPU µs/inv: bench proc', 'workers'],
    rows.map((r) => [
      r.name, ms(r.seq.p50), ms(r.seq.p90), ms(r.seq.p99), ms(r.seq.mean), `${(r.seq.p50 / base.seq.p50).toFixed(2)}×`,
      r.thr ? r.thr.perSecond.toFixed(0) : '–', ms(r.thr?.latency.p50), ms(r.thr?.latency.p99),
      r.cpu.selfUs.toFixed(0), r.cpu.workersUs === undefined ? '–' : r.cpu.workersUs.toFixed(0),
    ]),
  );
  return [
    `### Warm invoke (no-op Node.js handler, ${cfg.sequential} sequential after ${cfg.warmup} warm-up; `
      + `${cfg.throughput} at concurrency ${cfg.concurrency})`,
    '',
    out,
    '',
    ...notes,
    '- CPU µs/inv: during the sequential run; "bench proc" is this process (client + emulator or baseline servers), '
      + '"workers" the runtime process trees (10 ms tick resolution).',
    '- "client in another process": the same undici sequential loop in a child process on loopback (sequential only; '
      + '"bench proc" is then the servers alone, charged over warm-up + timed ops). Client process CPU µs/op: '
      + rows.filter((r) => r.clientUs !== undefined).map((r) => `${r.name.replace(/, client in another process$/, '')} ${r.clientUs!.toFixed(0)}`).join('; ') + '.',
    `- Budget: p50 < 0.5 ms and within 5× the 2-round-trip baseline. Client (undici Pool), emulator and baselines share this one process; `
      + `at concurrency ${cfg.concurrency} the emulator and the Runtime API loops run ${cfg.concurrency} worker processes on ${machine().match(/(\d+) CPUs/)?.[1] ?? '?'} CPUs.`,
  ].join('\n');
}

if (import.meta.main) await runStandalone('warm-invoke', warmInvoke);
