// The timers behind every schedule (scheduled EventBridge rules, EventBridge Scheduler schedules): one
// timer per job at its next firing on an injected clock; a job that fires is re-armed from its own
// firing time, so a late wake-up fires once and moves on (as AWS does not catch up). With timed firing
// off (--schedules off) jobs keep their next firing, for listing and for firing by hand.
import type { Clock } from '../../lib/clock.ts';

export interface TimetableJob {
  /** Unique among the jobs (e.g. `rule/default/name`, `schedule/default/name`). */
  readonly key: string;
  /** The first firing strictly after `after`, or undefined when the job will not fire again. */
  next(after: number): number | undefined;
  /** Fire for the scheduled time `at` (never throws; delivery failures are the job's business). */
  fire(at: number): void;
}

interface Entry {
  job: TimetableJob;
  nextAt: number | undefined;
  cancel?: () => void;
}

export class Timetable {
  private readonly clock: Clock;
  private readonly timed: boolean;
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(clock: Clock, opts: { timed: boolean }) {
    this.clock = clock;
    this.timed = opts.timed;
  }

  /** Add a job, or replace the one with its key (a rule or schedule was updated). */
  set(job: TimetableJob): void {
    this.remove(job.key);
    const entry: Entry = { job, nextAt: undefined };
    this.entries.set(job.key, entry);
    this.arm(entry, this.clock.now());
  }

  remove(key: string): void {
    const entry = this.entries.get(key);
    entry?.cancel?.();
    this.entries.delete(key);
  }

  /** The next firing of a job, undefined when it has none (or no such job). */
  nextAt(key: string): number | undefined {
    return this.entries.get(key)?.nextAt;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Fire a job now, out of turn; its timed firings go on as planned. */
  fireNow(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    entry.job.fire(this.clock.now());
    return true;
  }

  close(): void {
    this.closed = true;
    for (const entry of this.entries.values()) entry.cancel?.();
    this.entries.clear();
  }

  private arm(entry: Entry, after: number): void {
    entry.nextAt = entry.job.next(after);
    if (!this.timed || this.closed || entry.nextAt === undefined) return;
    const at = entry.nextAt;
    entry.cancel = this.clock.setTimeout(() => this.due(entry, at), Math.max(0, at - this.clock.now()));
  }

  private due(entry: Entry, at: number): void {
    if (this.entries.get(entry.job.key) !== entry) return;
    // A long timer may wake a little early on a scaled or chained clock: wait the rest.
    if (this.clock.now() < at) {
      entry.cancel = this.clock.setTimeout(() => this.due(entry, at), at - this.clock.now());
      return;
    }
    entry.job.fire(at);
    // Firing may have replaced or removed the job (a one-time schedule that deletes itself).
    if (this.entries.get(entry.job.key) === entry) this.arm(entry, Math.max(at, this.clock.now()));
  }
}
