// Schedule expressions: `rate(value unit)`, `cron(fields)` and (EventBridge Scheduler only)
// `at(yyyy-mm-ddThh:mm:ss)`, parsed as AWS reads them. Pure; the next firing is next-firing.ts.
import { type Cron, CronError, parseCron } from './cron-expression.ts';
import type { Civil } from './zoned-time.ts';

export { CronError };

export type ScheduleExpression =
  | { kind: 'rate'; text: string; periodMs: number }
  | { kind: 'cron'; text: string; cron: Cron }
  | { kind: 'at'; text: string; at: Civil; second: number };

export interface ExpressionRules {
  /** `at(...)` one-time schedules (EventBridge Scheduler; rules have none). */
  allowAt: boolean;
  /**
   * EventBridge rules want `minute` for 1 and `minutes` otherwise; Scheduler's documentation lists the
   * plural only and its console writes both, so it takes either.
   */
  strictUnits: boolean;
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Parse an expression; throws CronError saying why it is not one AWS takes. */
export function parseScheduleExpression(text: string, rules: ExpressionRules): ScheduleExpression {
  const m = /^(rate|cron|at)\((.*)\)$/s.exec(text);
  if (!m) throw new CronError('an expression is rate(...), cron(...)' + (rules.allowAt ? ' or at(...)' : ''));
  const [, kind, body] = m;
  if (kind === 'rate') return { kind, text, periodMs: ratePeriod(body, rules.strictUnits) };
  if (kind === 'cron') return { kind, text, cron: parseCron(body) };
  if (!rules.allowAt) throw new CronError('at(...) is for EventBridge Scheduler schedules only');
  return { kind: 'at', text, ...parseAt(body) };
}

function ratePeriod(body: string, strictUnits: boolean): number {
  const m = /^([1-9]\d*) (minute|hour|day)(s?)$/.exec(body);
  if (!m) throw new CronError('a rate is rate(<positive whole number> <minute(s)|hour(s)|day(s)>)');
  const n = Number(m[1]);
  if (strictUnits && (n === 1) === (m[3] === 's')) throw new CronError(n === 1 ? `a rate of 1 is in ${m[2]}, not ${m[2]}s` : `a rate above 1 is in ${m[2]}s`);
  return n * UNIT_MS[m[2]];
}

function parseAt(body: string): { at: Civil; second: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!m) throw new CronError('a one-time schedule is at(yyyy-mm-ddThh:mm:ss)');
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new CronError(`at(${body}) is not a date and time`);
  }
  return { at: { year, month, day, hour, minute }, second };
}
