// When a schedule fires next: the pure function schedules and tests share. A rate counts whole periods
// from its anchor (a rule's creation; a schedule's StartDate or creation), a cron the next matching
// wall-clock minute in the zone (a skipped local time is skipped, a repeated one runs once), an at()
// once; StartDate and EndDate bound all of them.
import { nextCronMinute } from './cron-expression.ts';
import type { ScheduleExpression } from './schedule-expression.ts';
import { type Civil, civilAt, instantOf } from './zoned-time.ts';

export interface FiringWindow {
  /** IANA zone the expression is read in (cron and at); UTC by default. */
  zone?: string;
  /** A rate's first period starts here. */
  anchor: number;
  /** A rate fires at the anchor itself too (Scheduler's rate schedules start at once; rules wait one period). */
  fireAtAnchor?: boolean;
  /** No firing before (Scheduler StartDate). */
  start?: number;
  /** No firing after (Scheduler EndDate). */
  end?: number;
}

/** The first firing strictly after `after` (ms since the epoch), or undefined when there is none. */
export function nextFiring(expr: ScheduleExpression, after: number, window: FiringWindow): number | undefined {
  const zone = window.zone ?? 'UTC';
  const from = Math.max(after, (window.start ?? -Infinity) - 1);
  let next: number | undefined;
  if (expr.kind === 'rate') {
    const first = window.fireAtAnchor ? window.anchor : window.anchor + expr.periodMs;
    next = from < first ? first : first + (Math.floor((from - first) / expr.periodMs) + 1) * expr.periodMs;
  } else if (expr.kind === 'at') {
    const minute = instantOf(expr.at, zone);
    const at = minute === undefined ? undefined : minute + expr.second * 1000;
    next = at !== undefined && at > from ? at : undefined;
  } else {
    next = nextCron(expr, from, zone);
  }
  return next !== undefined && (window.end === undefined || next <= window.end) ? next : undefined;
}

function nextCron(expr: Extract<ScheduleExpression, { kind: 'cron' }>, from: number, zone: string): number | undefined {
  let civil: Civil | undefined = civilAt(Math.floor(from / 60_000) * 60_000 + 60_000, zone);
  // Each candidate minute exists once; a skipped one (spring forward) or one already passed (the
  // second run of an hour when clocks go back) moves on to the next minute.
  for (let guard = 0; civil && guard < 10_000; guard++) {
    civil = nextCronMinute(expr.cron, civil);
    if (!civil) return undefined;
    const at = instantOf(civil, zone);
    if (at !== undefined && at > from) return at;
    civil = plusOneMinute(civil);
  }
  return undefined;
}

function plusOneMinute(c: Civil): Civil {
  const d = new Date(Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute + 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
}
