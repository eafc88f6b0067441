// Schedule computation (services/scheduling/): AWS's cron dialect, rates and one-time schedules, time
// zones and daylight saving, as a table of expression → next firing after a given "now". Pure.
import { describe, expect, it } from 'vitest';
import { nextFiring, type FiringWindow } from '../../services/scheduling/next-firing.ts';
import { CronError, parseScheduleExpression } from '../../services/scheduling/schedule-expression.ts';

const RULE = { allowAt: false, strictUnits: true };
const SCHEDULER = { allowAt: true, strictUnits: false };
const t = (iso: string): number => Date.parse(iso);
/** Wednesday 4 March 2026, 10:17:30 UTC. */
const NOW = t('2026-03-04T10:17:30Z');

function next(expr: string, after = NOW, window: Partial<FiringWindow> = {}): string | undefined {
  const parsed = parseScheduleExpression(expr, SCHEDULER);
  const at = nextFiring(parsed, after, { anchor: NOW, ...window });
  return at === undefined ? undefined : new Date(at).toISOString();
}

describe('cron in UTC (EventBridge rules)', () => {
  it.each([
    ['every day at 10:00', 'cron(0 10 * * ? *)', '2026-03-05T10:00:00.000Z'],
    ['every day at 12:15', 'cron(15 12 * * ? *)', '2026-03-04T12:15:00.000Z'],
    ['weekdays at 18:00', 'cron(0 18 ? * MON-FRI *)', '2026-03-04T18:00:00.000Z'],
    ['day names in lower case', 'cron(0 18 ? * sat-sun *)', '2026-03-07T18:00:00.000Z'],
    ['the 1st of the month at 08:00', 'cron(0 8 1 * ? *)', '2026-04-01T08:00:00.000Z'],
    ['every 15 minutes', 'cron(0/15 * * * ? *)', '2026-03-04T10:30:00.000Z'],
    ['every 15 minutes from 5', 'cron(5/15 * * * ? *)', '2026-03-04T10:20:00.000Z'],
    ['every 10 minutes on weekdays', 'cron(0/10 * ? * MON-FRI *)', '2026-03-04T10:20:00.000Z'],
    ['every 5 minutes in working hours', 'cron(0/5 8-17 ? * MON-FRI *)', '2026-03-04T10:20:00.000Z'],
    ['an hour range that wraps past midnight', 'cron(0/30 20-2 ? * MON-FRI *)', '2026-03-04T20:00:00.000Z'],
    ['a list of minutes', 'cron(5,35 14 * * ? *)', '2026-03-04T14:05:00.000Z'],
    ['a range with a step', 'cron(10-50/20 11 * * ? *)', '2026-03-04T11:10:00.000Z'],
    ['*/n', 'cron(*/20 * * * ? *)', '2026-03-04T10:20:00.000Z'],
    ['the last Friday of the month (6L)', 'cron(15 10 ? * 6L 2026-2027)', '2026-03-27T10:15:00.000Z'],
    ['the third Saturday (SAT#3)', 'cron(0 2 ? * SAT#3 *)', '2026-03-21T02:00:00.000Z'],
    ['the second Tuesday (3#2), next month', 'cron(0 2 ? * 3#2 *)', '2026-03-10T02:00:00.000Z'],
    ['the last day of the month (L)', 'cron(0 12 L * ? *)', '2026-03-31T12:00:00.000Z'],
    ['two days before the last (L-2)', 'cron(0 0 L-2 * ? *)', '2026-03-29T00:00:00.000Z'],
    ['the last weekday (LW)', 'cron(0 9 LW * ? *)', '2026-03-31T09:00:00.000Z'],
    ['the weekday nearest the 15th, a Sunday (15W)', 'cron(0 9 15W * ? *)', '2026-03-16T09:00:00.000Z'],
    ['1W on a Saturday the 1st is Monday the 3rd', 'cron(0 9 1W 8 ? *)', '2026-08-03T09:00:00.000Z'],
    ['Saturday as L in day-of-week', 'cron(0 0 ? * L *)', '2026-03-07T00:00:00.000Z'],
    ['month names', 'cron(30 9 ? JAN,JUL MON *)', '2026-07-06T09:30:00.000Z'],
    ['29 February waits for a leap year', 'cron(0 0 29 2 ? *)', '2028-02-29T00:00:00.000Z'],
    ['a year in the past never fires', 'cron(0 12 * * ? 2025)', undefined],
    ['a day that no month has never fires', 'cron(0 0 31 2 ? *)', undefined],
  ])('%s: %s', (_why, expr, expected) => {
    expect(parseScheduleExpression(expr, RULE).kind).toBe('cron');
    expect(next(expr)).toBe(expected);
  });
});

describe('rates', () => {
  it('a rule fires one period after its creation, then every period', () => {
    const rate = parseScheduleExpression('rate(1 minute)', RULE);
    expect(nextFiring(rate, NOW, { anchor: NOW })).toBe(NOW + 60_000);
    expect(nextFiring(rate, NOW + 60_000, { anchor: NOW })).toBe(NOW + 120_000);
    expect(nextFiring(rate, NOW + 61_000, { anchor: NOW })).toBe(NOW + 120_000);
  });
  it.each([
    ['rate(5 minutes)', 300_000], ['rate(1 hour)', 3_600_000], ['rate(2 hours)', 7_200_000], ['rate(1 day)', 86_400_000], ['rate(7 days)', 604_800_000],
  ])('%s is %i ms', (expr, ms) => {
    expect(nextFiring(parseScheduleExpression(expr, RULE), NOW, { anchor: NOW })).toBe(NOW + ms);
  });
  it('a Scheduler rate schedule starts at once, or at its StartDate', () => {
    const rate = parseScheduleExpression('rate(5 minutes)', SCHEDULER);
    expect(nextFiring(rate, NOW - 1, { anchor: NOW, fireAtAnchor: true })).toBe(NOW);
    const start = t('2026-03-05T00:00:00Z');
    expect(nextFiring(rate, NOW, { anchor: start, fireAtAnchor: true, start })).toBe(start);
  });
  it('a day is 24 hours, even across a daylight-saving change', () => {
    const rate = parseScheduleExpression('rate(1 day)', SCHEDULER);
    const before = t('2026-03-07T15:00:00Z');
    expect(nextFiring(rate, before, { anchor: before, zone: 'America/New_York' })).toBe(before + 86_400_000);
  });
  it('EndDate ends a schedule', () => {
    const rate = parseScheduleExpression('rate(1 hour)', SCHEDULER);
    expect(nextFiring(rate, NOW, { anchor: NOW, end: NOW + 3_600_000 })).toBe(NOW + 3_600_000);
    expect(nextFiring(rate, NOW + 3_600_000, { anchor: NOW, end: NOW + 3_600_000 })).toBeUndefined();
  });
});

describe('time zones (EventBridge Scheduler)', () => {
  it.each([
    ['New York in winter (UTC-5)', 'cron(0 9 * * ? *)', 'America/New_York', NOW, '2026-03-04T14:00:00.000Z'],
    ['Paris (UTC+1)', 'cron(0 12 * * ? *)', 'Europe/Paris', NOW, '2026-03-04T11:00:00.000Z'],
    ['Kolkata, a half-hour offset', 'cron(0 12 * * ? *)', 'Asia/Kolkata', NOW, '2026-03-05T06:30:00.000Z'],
    ['a day of the week is the zone\'s', 'cron(0 1 ? * THU *)', 'Asia/Tokyo', NOW, '2026-03-04T16:00:00.000Z'],
    ['spring forward: 02:30 does not exist on 8 March, so it is skipped', 'cron(30 2 * * ? *)', 'America/New_York', t('2026-03-07T08:00:00Z'), '2026-03-09T06:30:00.000Z'],
    ['fall back: 01:30 runs once, the first time', 'cron(30 1 * * ? *)', 'America/New_York', t('2026-11-01T04:00:00Z'), '2026-11-01T05:30:00.000Z'],
    ['... and not again when 01:30 comes back', 'cron(30 1 * * ? *)', 'America/New_York', t('2026-11-01T05:30:00Z'), '2026-11-02T06:30:00.000Z'],
    ['every minute through the repeated hour runs each minute once', 'cron(* 1 * * ? *)', 'America/New_York', t('2026-11-01T05:59:00Z'), '2026-11-02T06:00:00.000Z'],
    ['a one-time schedule in a zone', 'at(2026-03-05T09:00:30)', 'Europe/Paris', NOW, '2026-03-05T08:00:30.000Z'],
    ['a one-time schedule that has passed', 'at(2026-03-01T09:00:00)', 'UTC', NOW, undefined],
  ])('%s', (_why, expr, zone, after, expected) => {
    expect(next(expr, after, { zone })).toBe(expected);
  });
});

describe('expressions AWS rejects', () => {
  it.each([
    'cron(INVALID)', 'cron(0 dummy ? * MON-FRI *)', 'cron(7 20 * * NOT *)', 'cron(71 8 1 * ? *)', 'cron(0 1 * * * *)',
    'cron()', 'cron(0 1 ? * ? *)', 'cron(0 25 * * ? *)', 'cron(0 1 32 * ? *)', 'cron(0 1 * 13 ? *)', 'cron(0 1 ? * 8 *)',
    'cron(0 1 * * ? 2200)', 'cron(0/0 * * * ? *)', 'cron(0 2 ? * 3#1,6#3 *)', 'cron(0 2 ? * 3#6 *)', 'cron(? 1 * * ? *)',
    'rate(10 seconds)', 'rate(10 years)', 'rate()', 'rate(10)', 'rate(10 minutess)', 'rate(foo minutes)', 'rate(-10 minutes)',
    'rate(0 minutes)', 'rate( 10 minutes )', ' rate(10 minutes)', 'at(2021-12-31T23:59:59Z)', 'at(2021-12-31)', 'at(2026-02-30T00:00:00)',
  ])('%s', (expr) => {
    expect(() => parseScheduleExpression(expr, SCHEDULER)).toThrow(CronError);
    expect(() => parseScheduleExpression(expr, RULE)).toThrow(CronError);
  });
  it('rules want the singular for 1 and the plural otherwise, and take no at()', () => {
    expect(() => parseScheduleExpression('rate(1 minutes)', RULE)).toThrow(CronError);
    expect(() => parseScheduleExpression('rate(5 minute)', RULE)).toThrow(CronError);
    expect(() => parseScheduleExpression('at(2030-01-01T00:00:00)', RULE)).toThrow(CronError);
    expect(parseScheduleExpression('rate(1 minutes)', SCHEDULER).kind).toBe('rate');
  });
  it.each([
    'cron(0-15/1 8-8 ? * 2,3,4,5,6,7 *)', 'cron(30-30 13-13 ? * 2,4,6 *)', 'cron(1-31/30 1-1 ? * 1,7 *)', 'cron(*/15 * * * ? *)',
    'cron(0-59/10 0-23/2 ? * * *)', 'cron(0/5 5 ? JAN 1-5 2022)', 'cron(* * ? * SAT#3 *)', 'cron(0 0 ? * FRI-MON *)',
  ])('accepts %s', (expr) => {
    expect(parseScheduleExpression(expr, RULE).kind).toBe('cron');
  });
});
