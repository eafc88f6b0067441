// CPU per invoke, read from /proc (utime + stime over a fixed number of invokes): stable where wall-clock
// figures are not on a shared VM. The real `ephemera start` runs in its own process (its stdout drained
// by this one); the client (undici, this process) drives a no-op Node function at concurrency 1 and 8,
// under process and namespace isolation, leak tracking on (the default) and off. Next to it, in the same
// run: the raw floor (bench/raw-floor.ts: a node:http server and worker processes on the runtime's own
// HTTP client doing the same two round trips; again with a hand-parsed server on bare sockets, what lies
// below node:http) and serverless-offline (worker threads, its Invoke API).
// Run alone: `node bench/cpu-per-invoke.ts` (BENCH_ISOLATION, BENCH_NO_OFFLINE, BENCH_CPU_INVOKES).
import { readFileSync } from 'node:fs';
import { startRawFloor } from './raw-floor.ts';
import { startOffline } from './serverless-offline.ts';
import {
  BENCH_TEMPLATE, INVOKE_PATH, client, concurrent, cpuTicks, descendants, isolationLevels, ms, post, runStandalone,
  sequential, startCli, stats, table,
} from './lib.ts';

const TICK_US = 10_000; // USER_HZ is 100 on Linux
const WARMUP = 100;

export interface CpuConfig {
  /** Invokes measured at concurrency 1 and at concurrency 8 (each after a warm-up). */
  invokes: number;
  concurrency: number;
}

export const CPU_DEFAULTS: CpuConfig = { invokes: Number(process.env.BENCH_CPU_INVOKES ?? 1000), concurrency: 8 };

/** A system under test: where to POST, and whose CPU is whose. */
interface System {
  name: string;
  origin: string;
  path: string;
  /** The emulator (or the floor's server, serverless-offline's process). */
  serverPid: number;
  /** The environments' processes (the floor's workers), read anew at each snapshot; none: in the server. */
  workerPids?: () => number[];
  close(): Promise<void>;
}

interface Measured {
  concurrency: number;
  serverUs: number;
  workerUs: number | undefined;
  clientUs: number;
  perSecond: number;
  p50: number;
  p99: number;
}

const ticksOf = (pids: number[]): number => pids.reduce((a, p) => a + cpuTicks(p), 0);

/** The real CLI (bench/lib.ts startCli), its stdout drained as a terminal would. */
async function startEphemera(isolation: string, leaks: 'warn' | 'off'): Promise<System> {
  const cli = await startCli(['--template', BENCH_TEMPLATE, '--port', '0', '--api-port', '0', '--isolation', isolation, '--leaks', leaks, '--keep-alive', '600']);
  return {
    name: `ephemera, ${isolation} isolation, leak tracking ${leaks === 'off' ? 'off' : 'on'}`,
    origin: cli.origin,
    path: INVOKE_PATH,
    serverPid: cli.pid,
    workerPids: () => descendants(cli.pid),
    close: cli.stop,
  };
}

async function measure(sys: System, concurrency: number, invokes: number): Promise<Measured> {
  const pool = client(sys.origin, concurrency);
  const op = (): Promise<void> => post(pool, sys.path);
  try {
    // Warm-up at the same concurrency: every environment exists and has run before the snapshot.
    await concurrent(op, concurrency * WARMUP, concurrency, 0);
    const w0 = sys.workerPids ? ticksOf(sys.workerPids()) : 0;
    const s0 = cpuTicks(sys.serverPid);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const l = concurrency === 1 ? stats(await sequential(op, invokes, 0)) : (await concurrent(op, invokes, concurrency, 0)).latency;
    const seconds = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const s1 = cpuTicks(sys.serverPid);
    const w1 = sys.workerPids ? ticksOf(sys.workerPids()) : 0;
    return {
      concurrency, serverUs: ((s1 - s0) * TICK_US) / invokes, workerUs: sys.workerPids ? ((w1 - w0) * TICK_US) / invokes : undefined,
      clientUs: (c.user + c.system) / invokes, perSecond: invokes / seconds, p50: l.p50, p99: l.p99,
    };
  } finally {
    await pool.close();
  }
}

const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

export async function cpuPerInvoke(cfg: CpuConfig = CPU_DEFAULTS): Promise<string> {
  const rows: string[][] = [];
  const notes: string[] = [];
  const loads = [loadavg()];
  const floorP50 = new Map<number, number>();
  const run = async (make: () => Promise<System | string>): Promise<void> => {
    const sys = await make();
    if (typeof sys === 'string') {
      notes.push(`- skipped: ${sys}`);
      return;
    }
    try {
      for (const c of [1, cfg.concurrency]) {
        const m = await measure(sys, c, cfg.invokes);
        if (sys.name.startsWith('raw floor: node:http')) floorP50.set(c, m.p50);
        const total = m.serverUs + (m.workerUs ?? 0) + m.clientUs;
        rows.push([
          sys.name, String(c), m.serverUs.toFixed(0), m.workerUs === undefined ? '–' : m.workerUs.toFixed(0), m.clientUs.toFixed(0),
          total.toFixed(0), m.perSecond.toFixed(0), (2e6 / total).toFixed(0), ms(m.p50), floorP50.has(c) ? `${(m.p50 / floorP50.get(c)!).toFixed(2)}×` : '–', ms(m.p99),
        ]);
      }
    } finally {
      await sys.close();
      loads.push(loadavg());
    }
  };

  await run(async () => {
    const floor = await startRawFloor(cfg.concurrency);
    return { name: 'raw floor: node:http server + runtime HTTP client, no-op', origin: floor.origin, path: '/invoke', serverPid: floor.serverPid, workerPids: () => floor.workerPids, close: floor.close };
  });
  await run(async () => {
    const floor = await startRawFloor(cfg.concurrency, 'bare');
    return { name: 'raw floor, bare sockets: hand-parsed HTTP/1.1 server', origin: floor.origin, path: '/invoke', serverPid: floor.serverPid, workerPids: () => floor.workerPids, close: floor.close };
  });
  for (const isolation of isolationLevels()) {
    for (const leaks of ['warn', 'off'] as const) await run(() => startEphemera(isolation, leaks).catch((err: Error) => `ephemera ${isolation}: ${err.message}`));
  }
  await run(async () => {
    if (process.env.BENCH_NO_OFFLINE) return 'serverless-offline: BENCH_NO_OFFLINE set';
    const offline = await startOffline();
    if (typeof offline === 'string') return `serverless-offline: ${offline}`;
    return {
      name: `serverless-offline ${offline.version} (worker threads), Invoke API`, origin: offline.lambdaOrigin, path: '/2015-03-31/functions/ephemera-bench-dev-noop/invocations',
      serverPid: offline.pid, close: offline.close,
    };
  });

  return [
    `### CPU per invoke (no-op Node.js handler; ${cfg.invokes} invokes per row after ${WARMUP} per connection of warm-up)`,
    '',
    table(['system', 'conc.', 'emulator / server µs', 'environment / worker µs', 'client µs', 'total µs', 'invokes/s', '2 cores ÷ total', 'p50 ms', 'p50 ÷ floor', 'p99 ms'], rows),
    '',
    '- CPU from /proc/<pid>/stat (utime + stime, 10 ms ticks) over the measured invokes, per invoke. "emulator": the `ephemera start` process '
      + '(all its threads); "environment": every process under it (runtime, and in the namespace sandbox unshare and its init); "client": this '
      + 'process (the undici client and the drain of the emulator\'s stdout). serverless-offline runs its handlers in worker threads of its own process.',
    '- "raw floor, bare sockets": the same server on net sockets with a minimal hand-written HTTP/1.1 parser (no node:http): '
      + 'the CPU that an invoke\'s three HTTP exchanges cost the server below node:http.',
    '- "2 cores ÷ total": the invokes per second two otherwise idle cores could serve at this CPU cost, client included (what the shared '
      + 'machine\'s own load hides in "invokes/s"). "p50 ÷ floor": against the raw floor\'s p50 at the same concurrency.',
    `- Load average (1, 5, 15 min) before and after each system: ${loads.join(' → ')}.`,
    ...notes,
  ].join('\n');
}

if (import.meta.main) await runStandalone('cpu-per-invoke', () => cpuPerInvoke());
