// Reading processes from /proc: the files read on every invoke kept open (ProcFiles), the fields of
// /proc/<pid>/stat that tell a process apart (state, parent, group, session, start time), those of
// /proc/<pid>/status an invoke's end needs (state, group, peak RSS), and the walk of a process tree
// through each thread's `children` file.
import { closeSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { readStat } from '../../lib/proc-stat.ts';

export { type ProcStat, parseStat, readStat } from '../../lib/proc-stat.ts';

/** Running, sleeping or stopped: not a zombie and not gone. */
export function isRunning(pid: number): boolean {
  const st = readStat(pid);
  return st !== undefined && st.state !== 'Z' && st.state !== 'X';
}

/** The pids in a `children` file (`12 34 `). */
export function parseChildren(text: string | undefined): number[] {
  if (!text) return [];
  const out: number[] = [];
  for (const c of text.split(' ')) if (c) out.push(Number(c));
  return out;
}

/** A process's state and group, from /proc/<pid>/status (the same fields of /proc/<pid>/stat). */
export interface ProcStatus {
  /** R, S, D, T (stopped), t, Z (zombie), X... */
  state: string;
  /** The process group in the reader's PID namespace (NSpgid's first entry). */
  pgid: number;
}

/** Parses /proc/<pid>/status; undefined without State or NSpgid (a kernel before 4.1: read stat). */
export function parseStatus(text: string): ProcStatus | undefined {
  const state = field(text, 'State:');
  const pgid = field(text, 'NSpgid:');
  if (state === undefined || pgid === undefined) return undefined;
  return { state: state[0], pgid: Number.parseInt(pgid, 10) };
}

/** Peak resident set size (VmHWM) in /proc/<pid>/status, kB; 0 without one (a zombie has no memory). */
export function peakKbOf(status: string): number {
  const hwm = field(status, 'VmHWM:');
  return hwm === undefined ? 0 : Number.parseInt(hwm, 10) || 0;
}

/** The value of a `Name:\tvalue` line (leading blanks dropped), or undefined. */
function field(text: string, name: string): string | undefined {
  const line = text.startsWith(name) ? 0 : text.indexOf(`\n${name}`) + 1;
  if (line === 0 && !text.startsWith(name)) return undefined;
  let i = line + name.length;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const end = text.indexOf('\n', i);
  return text.slice(i, end < 0 ? text.length : end);
}

/**
 * /proc files read on every invoke, kept open and re-read with pread at offset 0 (procfs regenerates
 * the content): about half the cost of open+read+close. A file of a process that died reads as gone.
 */
export class ProcFiles {
  private readonly fds = new Map<string, number>();
  private readonly buf = Buffer.alloc(4096);

  read(path: string): string | undefined {
    let fd = this.fds.get(path);
    try {
      if (fd === undefined) {
        fd = openSync(path, 'r');
        this.fds.set(path, fd);
      }
      const n = readSync(fd, this.buf, 0, this.buf.length, 0);
      return this.buf.toString('latin1', 0, n);
    } catch {
      if (fd !== undefined) this.forget(path, fd);
      return undefined;
    }
  }

  /**
   * The tree under `root` (root first), through every thread's `children` file when `allThreads`
   * (a child spawned from a worker thread is listed under that thread only), else the main thread's.
   */
  tree(root: number, allThreads: boolean): number[] {
    const out: number[] = [];
    const seen = new Set<number>();
    const walk = (pid: number): void => {
      if (seen.has(pid)) return;
      seen.add(pid);
      out.push(pid);
      for (const child of parseChildren(this.read(`/proc/${pid}/task/${pid}/children`))) walk(child);
      if (!allThreads) return;
      // Other threads' files are read uncached: a Node runtime has about ten threads.
      for (const tid of threads(pid)) if (tid !== String(pid)) for (const child of parseChildren(readOnce(`/proc/${pid}/task/${tid}/children`))) walk(child);
    };
    walk(root);
    return out;
  }

  /** Close the files of processes not in `pids`. */
  keepOnly(pids: number[]): void {
    if (this.fds.size <= pids.length * 4) return;
    const keep = new Set(pids.map((p) => `/proc/${p}/`));
    for (const [path, fd] of this.fds) {
      if (!keep.has(path.slice(0, path.indexOf('/', 6) + 1))) this.forget(path, fd);
    }
  }

  closeAll(): void {
    for (const [path, fd] of this.fds) this.forget(path, fd);
  }

  private forget(path: string, fd: number): void {
    this.fds.delete(path);
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
}

function threads(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
}

function readOnce(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}
