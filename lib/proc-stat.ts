// /proc/<pid>/stat: the fields that tell one process apart for good (state, parent, group, session and
// the start time, which with the PID names a process even after its PID is reused). Linux only; callers
// treat `undefined` as "no such process" or "no /proc".
import { readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat this project uses. */
export interface ProcStat {
  /** R, S, D, T (stopped), t, Z (zombie), X... */
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  /** Clock ticks after boot: with the pid, names one process for good (pids are reused). */
  startTime: number;
}

/** Parses /proc/<pid>/stat. The command name (field 2) may hold spaces and parentheses: split after the last `)`. */
export function parseStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  // Fields from 3 on: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime
  // stime cutime cstime priority nice num_threads itrealvalue starttime (field 22).
  const f = text.slice(close + 2).split(' ');
  if (f.length < 20) return undefined;
  return { state: f[0], ppid: Number(f[1]), pgid: Number(f[2]), sid: Number(f[3]), startTime: Number(f[19]) };
}

/** /proc/<pid>/stat of a live process, or undefined when it is gone. */
export function readStat(pid: number | 'self'): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return undefined;
  }
}
