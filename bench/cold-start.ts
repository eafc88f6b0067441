// Cold start: a cold no-op invoke through the real emulator (every environment shut down before
// each run) against bare `node -e ''` start-up (and the same inside the namespace sandbox) and the
// runtime client's own spawn → first /next, all in the same run. Prints a Markdown table.
// Run alone: `node bench/cold-start.ts`.
import { spawn } from 'node:child_process';
import { IsolationUnavailableError, detectIsolation, sandboxBoundingSet } from '../server/environment/isolation.ts';
import { namespaceArgs } from '../server/environment/namespace-sandbox.ts';
import { NODE_RUNTIME_DIR } from '../server/environment/runtimes.ts';
import { MiniEnvironment } from './baselines.ts';
import {
  INVOKE_PATH, NOOP_DIR, type Stats, client, isolationLevels, ms, post, sleep, startEmulator,
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
}

export async function coldStart(cfg: ColdConfig = COLD_DEFAULTS): Promise<string> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const bare = await repeat(cfg.runs, () => timeSpawn(process.execPath, ['-e', '']));
  rows.push({ name: "bare `node -e ''` (spawn → exit)", s: bare });
  let sandboxBare: Stats | undefined;
  let namespaceOk = true;
  try {
    detectIsolation('namespace');
  } catch (err) {
    if (!(err instanceof IsolationUnavailableError)) throw err;
    namespaceOk = false;
    notes.push(`- namespace sandbox skipped: ${err.message}`);
  }
  if (namespaceOk) {
    sandboxBare = await repeat(cfg.runs, () => timeSpawn('unshare', namespaceArgs({
      codeDir: NOOP_DIR, runtimeDir: NODE_RUNTIME_DIR, tmpMB: 512, command: [process.execPath, '-e', ''], boundingSet: sandboxBoundingSet(),
    })));
    rows.push({ name: "bare `node -e ''` in the namespace sandbox (unshare + mounts + init)", s: sandboxBare });
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

  for (const isolation of isolationLevels()) {
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
    });
    if (typeof emu === 'string') {
      notes.push(`- emulator (${isolation}) skipped: ${emu}`);
      continue;
    }
    const pool = client(emu.origin, 1);
    try {
      const once = async (): Promise<number> => {
        await Promise.all(emu.eph.internals.pool.environments().map((e) => emu.eph.internals.pool.shutdownEnvironment(e, 'cold-start benchmark')));
        await sleep(5);
        const reported = new Promise<void>((r) => (waiting = r));
        const t0 = performance.now();
        await post(pool, INVOKE_PATH);
        const t = performance.now() - t0;
        await Promise.race([reported, sleep(2000)]);
        waiting = undefined;
        return t;
      };
      const s = await repeat(cfg.runs, once);
      const base = isolation === 'namespace' && sandboxBare ? sandboxBare : bare;
      rows.push({ name: `ephemera cold invoke (${isolation})`, s, init: stats(inits.slice(-cfg.runs)), over: s.p50 - base.p50 });
    } finally {
      await pool.close();
      await emu.close();
    }
  }

  const out = table(
    ['case', 'median ms', 'p90 ms', 'min ms', 'REPORT Init Duration median ms', 'median over bare node ms'],
    rows.map((r) => [r.name, ms(r.s.p50, 1), ms(r.s.p90, 1), ms(r.s.min, 1), r.init ? ms(r.init.p50, 1) : '–', r.over === undefined ? '–' : `+${ms(r.over, 1)}`]),
  );
  return [
    `### Cold start (no-op Node.js handler, ${cfg.runs} runs each after one untimed run)`,
    '',
    out,
    '',
    '- Cold invoke = client-side latency of an invoke with no environment (all shut down before each run): spawn, '
      + 'runtime start-up, INIT, the invoke itself. The namespace cold invoke is compared with bare node in the sandbox.',
    ...notes,
  ].join('\n');
}

if (import.meta.main) await runStandalone('cold-start', coldStart);
