// The temp dirs an emulator makes (private TMPDIRs, the code store, probes) carry their owner in
// their name, `ephemera-<pid>.<start time>.<pid namespace>-<kind>-…`, and at start-up the dirs of
// owners that are gone (an emulator killed with SIGKILL cleans nothing) are removed. A live
// emulator's dirs are never touched: the start time tells a reused pid apart, and a dir from
// another PID namespace (a container sharing /tmp) is left alone.
import { lstatSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStat } from './environment/proc-fs.ts';

export interface Owner {
  pid: number;
  startTime: number;
  pidNamespace: number;
}

// A temp dir's name goes on with `-<kind>-…`; an emulator's parent cgroup is the tag alone.
const NAME = /^ephemera-(\d+)\.(\d+)\.(\d+)(?:-|$)/;

function pidNamespace(): number {
  try {
    return Number(/\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

let self: Owner | undefined;

/** This emulator process as an owner. */
export function selfOwner(): Owner {
  self ??= { pid: process.pid, startTime: readStat('self')?.startTime ?? 0, pidNamespace: pidNamespace() };
  return self;
}

/** `ephemera-<pid>.<start time>.<pid namespace>`: this emulator's name on what it leaves behind if killed. */
export function ownerTag(): string {
  const o = selfOwner();
  return `ephemera-${o.pid}.${o.startTime}.${o.pidNamespace}`;
}

/** `<base>/ephemera-<owner>-<kind>`: add `-XXXXXX` (mkdtemp) or your own suffix. */
export function tmpDirPrefix(kind: string, base = tmpdir()): string {
  return join(base, `${ownerTag()}-${kind}`);
}

/** The owner named by a temp dir's name, or undefined for a name that is not ours. */
export function parseOwner(name: string): Owner | undefined {
  const m = NAME.exec(name);
  return m ? { pid: Number(m[1]), startTime: Number(m[2]), pidNamespace: Number(m[3]) } : undefined;
}

/**
 * Is the dir's owner gone? `probe` gives the process now holding that pid (undefined: none; its
 * start time and whether it is a zombie). Another PID namespace's pids mean nothing here: not gone.
 */
export function ownerGone(owner: Owner, me: Owner, probe: (pid: number) => { startTime: number; zombie: boolean } | undefined): boolean {
  if (owner.pidNamespace !== me.pidNamespace) return false;
  const now = probe(owner.pid);
  return now === undefined || now.startTime !== owner.startTime || now.zombie;
}

/** The process now holding a pid (its start time, whether it is a zombie), from /proc; undefined: none. */
export function probeProcess(pid: number): { startTime: number; zombie: boolean } | undefined {
  const st = readStat(pid);
  return st && { startTime: st.startTime, zombie: st.state === 'Z' || st.state === 'X' };
}

/** Is the emulator that named something `name` (a temp dir, a cgroup) gone? False for a name that is not ours. */
export function namedOwnerGone(name: string): boolean {
  const owner = parseOwner(name);
  return owner !== undefined && ownerGone(owner, selfOwner(), probeProcess);
}

/** Removes `<base>/ephemera-…` dirs of this user whose owner is gone; returns their paths. */
export function sweepDeadOwners(base = tmpdir(), onError: (path: string, err: Error) => void = () => {}): string[] {
  const uid = process.getuid?.() ?? -1;
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!namedOwnerGone(name)) continue;
    const path = join(base, name);
    try {
      const st = lstatSync(path);
      if (!st.isDirectory() || st.uid !== uid) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch (err) {
      onError(path, err as Error);
    }
  }
  return removed;
}
