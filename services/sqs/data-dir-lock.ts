// The `--data-dir` lock (`<dir>/sqs/lock`): one emulator appends to a journal at a time. The lock names
// its holder precisely (PID, the process's start time and the boot id) so that a holder which is gone,
// a zombie, or whose PID now belongs to another process never blocks a restart.
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readStat } from '../../lib/proc-stat.ts';

/** Who holds the lock. `start` is field 22 of /proc/<pid>/stat (clock ticks since boot). */
export interface LockHolder {
  pid: number;
  start?: string;
  boot?: string;
}

/** What the machine says about a PID now: gone, or alive with the state letter and start time /proc shows. */
export type ProcessView =
  | { exists: false }
  | { exists: true; state?: string; start?: string };

/**
 * Whether a recorded holder still holds the lock. Default-keep: only evidence that the holder is gone
 * frees the lock (an unknown start time or boot id is not evidence).
 */
export function holderAlive(holder: LockHolder, view: ProcessView, bootId: string | undefined): boolean {
  if (holder.boot !== undefined && bootId !== undefined && holder.boot !== bootId) return false; // rebooted since
  if (!view.exists) return false;
  if (view.state === 'Z' || view.state === 'X') return false; // exited, not yet reaped by its parent
  if (holder.start !== undefined && view.start !== undefined && holder.start !== view.start) return false; // PID reused
  return true;
}

/** The lock file's text: JSON now; a bare PID from emulators before the start time was recorded. */
export function parseHolder(text: string): LockHolder | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed) };
  try {
    const v = JSON.parse(trimmed) as Partial<LockHolder>;
    if (Number.isInteger(v.pid) && (v.pid as number) > 0) {
      return { pid: v.pid as number, start: typeof v.start === 'string' ? v.start : undefined, boot: typeof v.boot === 'string' ? v.boot : undefined };
    }
  } catch {
    // not ours
  }
  return undefined;
}

function view(pid: number): ProcessView {
  const stat = readStat(pid);
  if (stat) return { exists: true, state: stat.state, start: String(stat.startTime) };
  // no /proc (not Linux), or no such process: ask the kernel
  try {
    process.kill(pid, 0);
    return { exists: true };
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? { exists: true } : { exists: false };
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** This process as the lock records it. */
export function self(): LockHolder {
  const v = view(process.pid);
  return { pid: process.pid, start: v.exists ? v.start : undefined, boot: bootId() };
}

/**
 * Takes `<dir>/sqs/lock` so two emulators never append to one journal; a lock whose holder is gone
 * (killed, a zombie, its PID reused, or left from before a reboot) is taken over. Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  const dir = join(dataDir, 'sqs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'lock');
  // The lock appears with its content in one step (link of a written file): a reader never sees it empty.
  const tmp = join(dir, `lock.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(self()));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, file);
        return () => rmSync(file, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      }
      const holder = parseHolder(readFileSync(file, 'utf8'));
      if (holder && holderAlive(holder, view(holder.pid), bootId())) {
        throw new Error(`it is in use by another emulator (PID ${holder.pid}); if that is wrong, delete ${file}`);
      }
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}
