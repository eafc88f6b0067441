// Cold start: a cold no-op invoke (Node.js and Python) through the real emulator (every environment shut
// down before each run), with and without the sandbox pool, against bare `node -e ''` / `python3 -c ''`
// start-up (and the same inside the namespace sandbox) and the Node runtime client's own spawn → first
// /next, all in the same run. Prints a Markdown table.
// Run alone: `node bench/cold-start.ts`.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { IsolationUnavailableError, detectIsolation, sandboxBoundingSet } from '../server/environment/isolation.ts';
import { namespaceArgs } from '../server/environment/namespace-sandbox.ts';
import { NODE_RUNTIME_DIR, PYTHON_RUNTIME_DIR, defaultRuntimes } from '../server/environment/runtimes.ts';
import { MiniEnvironment } from './baselines.ts';
import {
  INVOKE_PATH, NOOP_DIR, PY_INVOKE_PATH, type Stats, client, isolationLevels, ms, post, sleep, startEmulator,
  stats, table,
  runStandalone,
} from './lib.ts';

export interface ColdConfig {
  runs: number;
}

export const COLD_DEFAULTS: ColdConfig = { runs: 20 };

/** Spawn a command and time it until it has exited. */
function timeSpawn(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { stdio: 'ignore', cwd: NOOP_DIR });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${command} exited ${code}`))));
  });
}

async function repeat(runs: number, once: () => Promise<number>): Promise<Stats> {
  await once(); // page cache, JIT of the spawn path
  const out: number[] = [];
  for (let i = 0; i < runs; i++) out.push(await once());
  return stats(out);
}

interface Row {
  name: string;
  s: Stats;
  init?: Stats;
  over?: number;
  /** Against the bare interpreter, `node -e ''` or `python3 -c ''` (the target: below 0). */
  vsBare?: number;
}

/** A runtime measured: its no-op function, its bare start-up (process; in the namespace sandbox). */
interface RuntimeCase {
  name: string;
  path: string;
  bare: Stats;
  sandboxBare?: Stats;
}

const signed = (v: number | undefined): string => (v === undefined ? '–' : `${v >= 0 ? '+' : ''}${ms(v, 1)}`);

/** PSS and RSS (MB, /proc/<pid>/smaps_rollup) of the processes, and the CPU they use over one idle second. */
async function idleCost(pids: number[]): Promise<string[]> {
  const cpu = (): number => pids.reduce((sum, pid) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return sum + Number(f[11]) + Number(f[12]);
  }, 0);
  const before = cpu();
  await sleep(1000);
  const ticks = cpu() - before;
  let pss = 0;
  let rss = 0;
  for (const pid of pids) {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    pss += Number(/^Pss:\s+(\d+)/m.exec(text)?.[1] ?? 0);
    rss += Number(/^Rss:\s+(\d+)/m.exec(text)?.[1] ?? 0);
  }
  return [String(pids.length), (pss / 1024).toFixed(1), (rss / 1024).toFixed(1), String((ticks * 1000) / CLOCK_TICKS)];
}

/** USER_HZ: /proc/<pid>/stat's CPU times are in these. */
const CLOCK_TICKS = 100;

export async function coldStart(cfg: ColdConfig = COLD_DEFAULTS): Promise<string> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const bare = await repeat(cfg.runs, () => timeSpawn(process.execPath, ['-e', '']));
  rows.push({ name: "bare `node -e ''` (spawn → exit)", s: bare });
  const node: RuntimeCase = { name: 'Node.js', path: INVOKE_PATH, bare };
  const cases = [node];
  // The interpreter python3.12 functions run with, started as the runtime client is (-u -B).
  const python = defaultRuntimes().resolve('python3.12');
  const pyArgs = ['-u', '-B', '-c', ''];
  let py: RuntimeCase | undefined;
  if ('error' in python) {
    notes.push(`- Python skipped: ${python.error}`);
  } else {
    py = { name: 'Python', path: PY_INVOKE_PATH, bare: await repeat(cfg.runs, () => timeSpawn(python.interpreter.path, pyArgs)) };
    rows.push({ name: `bare \`python3 -c ''\` (${python.interpreter.version}, spawn → exit)`, s: py.bare, vsBare: py.bare.p50 - bare.p50 });
    cases.push(py);
  }
  let namespaceOk = true;
  try {
    detectIsolation('namespace');
  } catch (err) {
    if (!(err instanceof IsolationUnavailableError)) throw err;
    namespaceOk = false;
    notes.push(`- namespace sandbox skipped: ${err.message}`);
  }
  if (namespaceOk) {
    const inSandbox = (runtimeDir: string, command: string[]): Promise<Stats> => repeat(cfg.runs, () => timeSpawn('unshare', namespaceArgs({
      codeDir: NOOP_DIR, runtimeDir, tmpMB: 512, command, boundingSet: sandboxBoundingSet(),
    })));
    node.sandboxBare = await inSandbox(NODE_RUNTIME_DIR, [process.execPath, '-e', '']);
    rows.push({ name: "bare `node -e ''` in the namespace sandbox (unshare + mounts + init)", s: node.sandboxBare });
    if (py && !('error' in python)) {
      py.sandboxBare = await inSandbox(PYTHON_RUNTIME_DIR, [python.interpreter.path, ...pyArgs]);
      rows.push({ name: "bare `python3 -c ''` in the namespace sandbox", s: py.sandboxBare, vsBare: py.sandboxBare.p50 - py.bare.p50 });
    }
  }
  const runtimeAlone = await repeat(cfg.runs, async () => {
    const env = new MiniEnvironment(false, () => {});
    const t0 = performance.now();
    await env.start();
    const t = performance.now() - t0;
    await env.close();
    return t;
  });
  rows.push({ name: 'runtime client alone: spawn → first GET /next (no emulator)', s: runtimeAlone, over: runtimeAlone.p50 - bare.p50 });

  const idle: string[][] = [];
  for (const rt of cases) for (const isolation of isolationLevels()) {
    for (const pooled of [false, true]) {
      const inits: number[] = [];
      let waiting: (() => void) | undefined;
      const emu = await startEmulator(isolation, {
        line(_fn, _env, text) {
          const m = /^REPORT .*Init Duration: ([\d.]+) ms/.exec(text);
          if (m) {
            inits.push(Number(m[1]));
            waiting?.();
          }
        },
      }, { sandboxPool: pooled ? 1 : 0 });
      if (typeof emu === 'string') {
        notes.push(`- emulator (${isolation}) skipped: ${emu}`);
        break;
      }
      const pool = client(emu.origin, 1);
      const blanks = emu.eph.internals.sandboxes;
      try {
        const once = async (): Promise<number> => {
          await Promise.all(emu.eph.internals.pool.environments().map((e) => emu.eph.internals.pool.shutdownEnvironment(e, 'cold-start benchmark')));
          // With the pool: a blank is started and waiting (refilled after the previous run took one).
          if (pooled) await blanks.whenReady();
          await sleep(5);
          const reported = new Promise<void>((r) => (waiting = r));
          const t0 = performance.now();
          await post(pool, rt.path);
          const t = performance.now() - t0;
          await Promise.race([reported, sleep(2000)]);
          waiting = undefined;
          return t;
        };
        const s = await repeat(cfg.runs, once);
        const base = isolation === 'namespace' && rt.sandboxBare ? rt.sandboxBare : rt.bare;
        const name = `ephemera cold invoke, ${rt.name} (${isolation}, ${pooled ? 'blank sandbox from the pool' : 'no pool: --sandbox-pool 0'})`;
        rows.push({ name, s, init: stats(inits.slice(-cfg.runs)), over: s.p50 - base.p50, vsBare: s.p50 - rt.bare.p50 });
        if (pooled) {
          if (blanks.assignedCount < cfg.runs) notes.push(`- ${rt.name}, ${isolation}: only ${blanks.assignedCount} of ${cfg.runs + 1} cold starts took a blank`);
          await blanks.whenReady();
          idle.push([rt.name, isolation, ...(await idleCost(blanks.list().flatMap((b) => b.pids())))]);
        }
      } finally {
        await pool.close();
        await emu.close();
      }
    }
  }

  const out = table(
    ['case', 'median ms', 'p90 ms', 'min ms', 'REPORT Init Duration median ms', 'median over its bare baseline ms', 'median vs its bare interpreter ms'],
    rows.map((r) => [r.name, ms(r.s.p50, 1), ms(r.s.p90, 1), ms(r.s.min, 1), r.init ? ms(r.init.p50, 1) : '–', signed(r.over), signed(r.vsBare)]),
  );
  const idleTable = idle.length === 0 ? [] : ['', '#### Idle cost of one blank sandbox (all its processes, after 1 s idle)', '', table(
    ['runtime', 'isolation', 'processes', 'PSS MB (smaps_rollup)', 'RSS MB', 'CPU ms over 1 s idle'], idle,
  )];
  return [
    `### Cold start (no-op Node.js and Python handlers, ${cfg.runs} runs each after one untimed run)`,
    '',
    out,
    '',
    '- Cold invoke = client-side latency of an invoke with no environment (all shut down before each run): spawn, '
      + "runtime start-up, INIT, the invoke itself. Its bare baseline: the bare interpreter (process), the same in the sandbox (namespace); "
      + "the bare python row's last column is against bare node.",
    '- With the pool (--sandbox-pool 1), each run waits until the refilled blank is waiting: the cold start takes it, and only '
      + "loads the function's code (see docs/internals/sandbox-pool.md).",
    ...notes,
    ...idleTable,
  ].join('\n');
}

if (import.meta.main) await runStandalone('cold-start', coldStart);
