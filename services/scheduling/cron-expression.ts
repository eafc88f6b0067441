// AWS's cron dialect (EventBridge rules and Scheduler): six fields — minutes, hours, day-of-month,
// month, day-of-week, year — with `, - * /`, `?` in one of the two day fields, `L`, `W`, `LW`, `L-n` in
// day-of-month, `L`, `nL` and `n#k` in day-of-week, month and day names, ranges that wrap (20-2, FRI-MON).
// Parsing and the next matching wall-clock minute are pure; time zones are next-firing.ts's business.
import { type Civil, daysInMonth, weekday } from './zoned-time.ts';

export class CronError extends Error {
  readonly code = 'EPH_ERR_SCHEDULE_EXPRESSION';
}

type DayRule =
  | { kind: 'days-of-month'; days: ReadonlySet<number> }
  | { kind: 'last-day'; offset: number }
  | { kind: 'last-weekday' }
  | { kind: 'nearest-weekday'; day: number }
  | { kind: 'days-of-week'; days: ReadonlySet<number> }
  | { kind: 'last-of-week-day'; weekday: number }
  | { kind: 'nth-week-day'; weekday: number; nth: number };

export interface Cron {
  minutes: readonly number[];
  hours: readonly number[];
  months: ReadonlySet<number>;
  /** Undefined: every year. */
  years?: ReadonlySet<number>;
  day: DayRule;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MIN_YEAR = 1970;
const MAX_YEAR = 2199;

const bad = (why: string): never => {
  throw new CronError(why);
};

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

/** A number or a name (JAN, MON: case-insensitive) of a field, in range. */
function value(text: string, f: Field): number {
  const named = f.names?.indexOf(text.toUpperCase()) ?? -1;
  const n = named >= 0 ? named + f.min : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= f.min && n <= f.max)) bad(`${f.name}: '${text}' is not a value from ${f.min} to ${f.max}`);
  return n;
}

/** `*`, `a`, `a-b` (wrapping when a > b), each with an optional `/step`, separated by commas. */
function values(text: string, f: Field): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined || range === '') bad(`${f.name}: '${part}' is not a value, a range or a step`);
    const step = stepText === undefined ? 1 : /^\d+$/.test(stepText) && Number(stepText) > 0 ? Number(stepText) : bad(`${f.name}: bad step in '${part}'`);
    let from: number;
    let to: number;
    if (range === '*') {
      [from, to] = [f.min, f.max];
    } else if (range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (more !== undefined) bad(`${f.name}: bad range '${range}'`);
      [from, to] = [value(a, f), value(b, f)];
    } else {
      from = value(range, f);
      to = stepText === undefined ? from : f.max;
    }
    const span = to >= from ? to - from : to + (f.max - f.min + 1) - from;
    for (let i = 0; i <= span; i += step) out.add(((from - f.min + i) % (f.max - f.min + 1)) + f.min);
  }
  return out;
}

const MINUTES: Field = { name: 'minutes', min: 0, max: 59 };
const HOURS: Field = { name: 'hours', min: 0, max: 23 };
const DOM: Field = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: Field = { name: 'month', min: 1, max: 12, names: MONTHS };
const DOW: Field = { name: 'day-of-week', min: 1, max: 7, names: DAYS };
const YEAR: Field = { name: 'year', min: MIN_YEAR, max: MAX_YEAR };

function dayOfMonthRule(text: string): DayRule {
  const upper = text.toUpperCase();
  if (upper === 'L') return { kind: 'last-day', offset: 0 };
  if (upper === 'LW') return { kind: 'last-weekday' };
  const lastMinus = /^L-(\d+)$/.exec(upper);
  if (lastMinus) return Number(lastMinus[1]) <= 30 ? { kind: 'last-day', offset: Number(lastMinus[1]) } : bad('day-of-month: L-n needs n from 0 to 30');
  const nearest = /^(\d+)W$/.exec(upper);
  if (nearest) return { kind: 'nearest-weekday', day: value(nearest[1], DOM) };
  return { kind: 'days-of-month', days: values(text, DOM) };
}

function dayOfWeekRule(text: string): DayRule {
  const upper = text.toUpperCase();
  if (upper === 'L') return { kind: 'days-of-week', days: new Set([7]) };
  const last = /^(\w+)L$/.exec(upper);
  if (last) return { kind: 'last-of-week-day', weekday: value(last[1], DOW) };
  const nth = /^(\w+)#(\d+)$/.exec(upper);
  if (nth) {
    const k = Number(nth[2]);
    if (k < 1 || k > 5) bad('day-of-week: #k needs k from 1 to 5');
    return { kind: 'nth-week-day', weekday: value(nth[1], DOW), nth: k };
  }
  if (text.includes('#') || /L/i.test(text.replace(/SUN|MON|TUE|WED|THU|FRI|SAT/gi, ''))) bad(`day-of-week: '${text}' mixes # or L with other values`);
  return { kind: 'days-of-week', days: values(text, DOW) };
}

/** Parse the six fields inside `cron(...)`; throws CronError naming what is wrong. */
export function parseCron(fields: string): Cron {
  const parts = fields.trim().split(/\s+/);
  if (parts.length !== 6) bad(`a cron expression has 6 fields, got ${parts.length}`);
  const [min, hour, dom, month, dow, year] = parts;
  if ((dom === '?') === (dow === '?')) bad('exactly one of day-of-month and day-of-week must be ?');
  if (min === '?' || hour === '?' || month === '?' || year === '?') bad('? is for day-of-month or day-of-week only');
  const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
  return {
    minutes: sorted(values(min, MINUTES)),
    hours: sorted(values(hour, HOURS)),
    months: values(month, MONTH),
    years: year === '*' ? undefined : values(year, YEAR),
    day: dom === '?' ? dayOfWeekRule(dow) : dayOfMonthRule(dom),
  };
}

function isWeekday(y: number, m: number, d: number): boolean {
  const w = weekday(y, m, d);
  return w !== 1 && w !== 7;
}

/** The weekday nearest to `day` within its month (W never crosses into another month). */
function nearestWeekday(y: number, m: number, day: number): number | undefined {
  const last = daysInMonth(y, m);
  if (day > last) return undefined;
  if (isWeekday(y, m, day)) return day;
  const w = weekday(y, m, day);
  if (w === 7) return day === 1 ? 3 : day - 1; // Saturday: Friday, or Monday the 3rd
  return day === last ? day - 2 : day + 1; // Sunday: Monday, or Friday when the month ends
}

export function dayMatches(rule: DayRule, y: number, m: number, d: number): boolean {
  const last = daysInMonth(y, m);
  switch (rule.kind) {
    case 'days-of-month': return rule.days.has(d);
    case 'last-day': return d === last - rule.offset;
    case 'last-weekday': return d === nearestWeekday(y, m, last);
    case 'nearest-weekday': return d === nearestWeekday(y, m, rule.day);
    case 'days-of-week': return rule.days.has(weekday(y, m, d));
    case 'last-of-week-day': return weekday(y, m, d) === rule.weekday && d + 7 > last;
    case 'nth-week-day': return weekday(y, m, d) === rule.weekday && Math.ceil(d / 7) === rule.nth;
  }
}

/** The first wall-clock minute at or after `from` that the cron matches, or undefined (none before 2200). */
export function nextCronMinute(cron: Cron, from: Civil): Civil | undefined {
  let { year, month, day } = from;
  let minHour = from.hour;
  let minMinute = from.minute;
  while (year <= MAX_YEAR) {
    if (cron.years && !cron.years.has(year)) {
      [year, month, day, minHour, minMinute] = [year + 1, 1, 1, 0, 0];
      continue;
    }
    if (!cron.months.has(month)) {
      [month, day, minHour, minMinute] = [month + 1, 1, 0, 0];
      if (month > 12) [year, month] = [year + 1, 1];
      continue;
    }
    if (day <= daysInMonth(year, month) && dayMatches(cron.day, year, month, day)) {
      for (const hour of cron.hours) {
        if (hour < minHour) continue;
        const minute = cron.minutes.find((m) => hour > minHour || m >= minMinute);
        if (minute !== undefined) return { year, month, day, hour, minute };
      }
    }
    [day, minHour, minMinute] = [day + 1, 0, 0];
    if (day > daysInMonth(year, month)) [month, day] = [month + 1, 1];
    if (month > 12) [year, month] = [year + 1, 1];
  }
  return undefined;
}
