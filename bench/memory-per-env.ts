// Memory per idle environment: N environments of the no-op function made at once, left Idle
// (frozen), then the RSS and PSS of each environment's process tree from /proc, and the CPU the
// frozen trees use over a quiet interval (should be 0). Prints a Markdown table.
// Run alone: `node bench/memory-per-env.ts`.
import { readFileSync } from 'node:fs';
import {
  INVOKE_PATH, client, cpuTicks, descendants, discard, isolationLevels, post, sleep, startEmulator,
  procKb, stats, table,
  runStandalone,
} from './lib.ts';

export interface MemoryConfig {
  environments: number;
  idleMs: number;
}

export const MEMORY_DEFAULTS: MemoryConfig = { environments: 8, idleMs: 2000 };

export async function memoryPerEnv(cfg: MemoryConfig = MEMORY_DEFAULTS): Promise<string> {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const isolation of isolationLevels()) {
    const emu = await startEmulator(isolation, discard);
    if (typeof emu === 'string') {
      notes.push(`- emulator (${isolation}) skipped: ${emu}`);
      continue;
    }
    const pool = client(emu.origin, cfg.environments);
    try {
      // All at once against an empty pool: one cold environment each.
      await Promise.all(Array.from({ length: cfg.environments }, () => post(pool, INVOKE_PATH)));
      const envs = emu.eph.internals.pool.environments();
      const deadline = Date.now() + 5000;
      while (!envs.every((e) => e.state === 'Idle' && e.frozen) && Date.now() < deadline) await sleep(20);
      // Process isolation's keeper (the runtime's parent, the emulator's child: server/environment/subreaper.ts) is the environment's too.
      const withKeeper = (pid: number): number[] => {
        const parent = ppidOf(pid);
        return parent !== undefined && parent !== process.pid ? [parent, pid] : [pid];
      };
      const trees = envs.map((e) => (e.pid && e.pid > 0 ? [...withKeeper(e.pid), ...descendants(e.pid)] : []));
      const rss = trees.map((t) => t.reduce((a, p) => a + procKb(p, 'status', 'VmRSS'), 0) / 1024);
      const pss = trees.map((t) => t.reduce((a, p) => a + procKb(p, 'smaps_rollup', 'Pss'), 0) / 1024);
      const ticks0 = trees.flat().reduce((a, p) => a + cpuTicks(p), 0);
      await sleep(cfg.idleMs);
      const ticks1 = trees.flat().reduce((a, p) => a + cpuTicks(p), 0);
      const states = new Set(trees.flat().map(procState));
      const r = stats(rss);
      const p = stats(pss);
      rows.push([
        isolation, String(envs.length), String(trees[0]?.length ?? 0), r.mean.toFixed(1), `${r.min.toFixed(1)}–${r.max.toFixed(1)}`, p.mean.toFixed(1),
        ((ticks1 - ticks0) * 10).toFixed(0), [...states].join(','), (process.memoryUsage().rss / 1048576).toFixed(0),
      ]);
    } finally {
      await pool.close();
      await emu.close();
    }
  }
  const out = table(
    ['isolation', 'envs', 'processes / env', 'RSS MB / env (mean)', 'RSS range', 'PSS MB / env (mean)', `CPU ms, all envs, ${cfg.idleMs / 1000} s idle`, 'proc states', 'bench-process RSS MB'],
    rows,
  );
  return [
    `### Memory per idle environment (${cfg.environments} no-op environments, frozen)`,
    '',
    out,
    '',
    '- RSS counts shared pages (the node binary, libraries) in every environment; PSS shares them out. '
      + 'Process isolation has a keeper (a one-line perl, never stopped) per environment; namespace mode an `unshare` parent.',
    ...notes,
  ].join('\n');
}

/** The parent's pid, from /proc/<pid>/stat; undefined when gone. */
function ppidOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** /proc/<pid>/stat state letter (T = stopped), '?' when gone. */
function procState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return '?';
  }
}

if (import.meta.main) await runStandalone('memory-per-env', memoryPerEnv);
