// Shared benchmark helpers: the machine line, percentiles, Markdown tables, an in-process emulator
// (buildApp on 127.0.0.1:0, silent logger, output discarded or inspected), an undici client,
// sequential (re-exported from client.ts) and concurrent measurement loops, and a check that no child process is left behind.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import pino from 'pino';
import { type Ephemera, buildApp } from '../server/app.ts';
import type { OutputSink } from '../server/environment/function-log.ts';
import { IsolationUnavailableError, type IsolationLevel, detectParentDeathGuard } from '../server/environment/isolation.ts';
import { DEFAULTS, type Options } from '../server/options.ts';

export const BENCH_TEMPLATE = fileURLToPath(new URL('./templates/bench.yaml', import.meta.url));
export const NOOP_DIR = fileURLToPath(new URL('../fixtures/functions/noop', import.meta.url));
export const INVOKE_PATH = '/2015-03-31/functions/noop/invocations';
export const PY_INVOKE_PATH = '/2015-03-31/functions/noop-py/invocations';

// ---- machine ------------------------------------------------------------------------------------

export function machine(): string {
  let cpu = 'unknown CPU';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux
  }
  let kernel = '';
  try {
    kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    // not Linux
  }
  return `Machine: ${availableParallelism()} CPUs (nproc), ${cpu}, Node ${process.version}, Linux ${kernel}`;
}

// ---- statistics and tables ------------------------------------------------------------------------

export interface Stats {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentiles of samples in ms. */
export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { n: s.length, p50: at(50), p90: at(90), p99: at(99), mean, min: s[0], max: s[s.length - 1] };
}

export const ms = (v: number | undefined, digits = 3): string => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits));

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

// ---- garbage collection (for heap figures) ---------------------------------------------------------

let gcFn: (() => void) | undefined;
export function gc(): void {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
}

export const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);

// ---- the emulator -----------------------------------------------------------------------------------

export interface BenchEmulator {
  eph: Ephemera;
  origin: string;
  close(): Promise<void>;
}

/** The isolation levels to measure: process always, namespace when this machine can make one. */
export function isolationLevels(): IsolationLevel[] {
  const wanted = process.env.BENCH_ISOLATION;
  if (wanted === 'process' || wanted === 'namespace') return [wanted];
  return ['process', 'namespace'];
}

export async function startEmulator(isolation: IsolationLevel, output: OutputSink, options: Partial<Options> = {}): Promise<BenchEmulator | string> {
  let eph: Ephemera;
  try {
    eph = buildApp({ ...DEFAULTS, keepAlive: 600, ...options, isolation, template: BENCH_TEMPLATE }, { output, logger: pino({ level: 'silent' }) });
  } catch (err) {
    if (err instanceof IsolationUnavailableError) return err.message;
    throw err;
  }
  await eph.app.listen({ port: 0, host: '127.0.0.1' });
  const address = eph.app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { eph, origin, close: () => eph.close() };
}

export const discard: OutputSink = { line() {} };

/**
 * A prefix for what a bench starts: the process ends with the bench even when the bench is killed before
 * it stops it (a timeout). The emulator's parent-death guard (setpriv execs the command: the pid is the
 * command's); empty without setpriv.
 */
export const DIES_WITH_US = detectParentDeathGuard();

/** A real `ephemera start` in its own process. */
export interface CliServer {
  pid: number;
  origin: string;
  stop(): Promise<void>;
}

/**
 * `ephemera start <args>` of `checkout` (this one by default; any checkout with node_modules), with the
 * function environment a shell gives it; ready once it logged `ephemera ready`. Its stdout (START/END/REPORT
 * lines, pino's JSON) is drained here as a terminal would; stop() is SIGTERM and its exit.
 */
export async function startCli(args: string[], checkout = fileURLToPath(new URL('..', import.meta.url)), nodeArgs: string[] = []): Promise<CliServer> {
  const [cmd, ...argv] = [...DIES_WITH_US, process.execPath, ...nodeArgs, join(checkout, 'bin/ephemera.mjs'), 'start', ...args];
  const child = spawn(cmd, argv, {
    cwd: checkout, stdio: ['ignore', 'pipe', 'inherit'], env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const seen = (d: Buffer): void => {
      buf += d.toString();
      const ready = buf.split('\n').find((l) => l.includes('ephemera ready'));
      if (!ready) return;
      child.stdout!.off('data', seen);
      child.stdout!.resume();
      resolve((JSON.parse(ready) as { url: string }).url);
    };
    child.stdout!.on('data', seen);
    child.once('exit', (code) => reject(new Error(`ephemera exited (${code}) before it was ready`)));
  });
  return {
    pid: child.pid!, origin: `http://127.0.0.1:${new URL(url).port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// ---- client ----------------------------------------------------------------------------------------

export { client, post, sequential } from './client.ts';

export interface Throughput {
  perSecond: number;
  seconds: number;
  latency: Stats;
}

/** `total` calls by `concurrency` loops (after `warmup` calls at the same concurrency). */
export async function concurrent(op: () => Promise<void>, total: number, concurrency: number, warmup: number): Promise<Throughput> {
  const run = async (count: number, samples?: number[]): Promise<void> => {
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const t0 = performance.now();
        await op();
        samples?.push(performance.now() - t0);
      }
    }));
  };
  await run(warmup);
  const samples: number[] = [];
  const t0 = performance.now();
  await run(total, samples);
  const seconds = (performance.now() - t0) / 1000;
  return { perSecond: total / seconds, seconds, latency: stats(samples) };
}

// ---- processes -------------------------------------------------------------------------------------

/** PIDs under pid (main-thread children, recursively): the same walk the tests use. */
export { descendants } from '../test/helpers/emulator.ts';
import { descendants } from '../test/helpers/emulator.ts';

/** Entry point of a benchmark run on its own: machine line, the tables, the time, no leftovers. */
export async function runStandalone(name: string, body: () => Promise<string>): Promise<void> {
  const t0 = performance.now();
  console.log(machine());
  console.log();
  console.log(await body());
  console.log(`\n(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  checkNoLeftovers(name);
}

/** Live (non-zombie) children of this process, from every thread. */
export function leftoverChildren(): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      for (const c of readFileSync(`/proc/self/task/${tid}/children`, 'latin1').split(' ')) {
        if (!c) continue;
        try {
          const stat = readFileSync(`/proc/${c}/stat`, 'latin1');
          if (stat[stat.lastIndexOf(')') + 2] !== 'Z') out.push(Number(c));
        } catch {
          // gone
        }
      }
    }
  } catch {
    // not Linux
  }
  return out;
}

/** Fail loudly (but after printing) when a benchmark left a process running. */
export function checkNoLeftovers(label: string): void {
  const left = leftoverChildren();
  if (left.length) {
    process.exitCode = 1;
    console.error(`${label}: child processes left running: ${left.join(', ')}`);
  }
}

/** A field (kB) of /proc/<pid>/status or smaps_rollup; 0 when unreadable. */
export function procKb(pid: number, file: 'status' | 'smaps_rollup', field: string): number {
  try {
    const text = readFileSync(`/proc/${pid}/${file}`, 'latin1');
    const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** utime + stime of a process, in clock ticks. */
export function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/** CPU time (ms) of a process tree's processes: utime + stime at 100 ticks/s. */
export function treeCpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of new Set(pids.flatMap((p) => [p, ...descendants(p)]))) ticks += cpuTicks(pid);
  return ticks * 10;
}

export interface CpuCost {
  /** This process (client + server + baselines), µs per op. */
  selfUs: number;
  /** The worker processes, µs per op (10 ms tick resolution). */
  workersUs: number | undefined;
}

/** Run `body` (which performs `ops` operations) and charge the CPU it used to each op. */
export async function withCpu<T>(ops: number, pids: (() => number[]) | undefined, body: () => Promise<T>): Promise<{ result: T; cpu: CpuCost }> {
  const w0 = pids ? treeCpuMs(pids()) : 0;
  const c0 = process.cpuUsage();
  const result = await body();
  const c = process.cpuUsage(c0);
  const w1 = pids ? treeCpuMs(pids()) : 0;
  return { result, cpu: { selfUs: (c.user + c.system) / ops, workersUs: pids ? ((w1 - w0) * 1000) / ops : undefined } };
}

export const sleep = (msec: number): Promise<void> => new Promise((r) => setTimeout(r, msec));
