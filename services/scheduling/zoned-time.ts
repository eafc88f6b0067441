// Wall-clock time in an IANA time zone, with Intl only: the civil fields of an instant, and the instant
// of civil fields (undefined when a daylight-saving jump skips them; the first one when a jump back
// repeats them, as EventBridge Scheduler runs a repeated time once). Pure.

export interface Civil {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formats.set(zone, f);
  }
  return f;
}

/** Is `zone` a time zone Intl knows (UTC, Europe/Paris, America/New_York, ...)? */
export function isTimeZone(zone: string): boolean {
  try {
    format(zone);
    return true;
  } catch {
    return false;
  }
}

/** The civil fields of an instant in `zone` (seconds dropped). */
export function civilAt(ms: number, zone: string): Civil {
  const parts: Record<string, number> = {};
  for (const p of format(zone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute };
}

const asUtc = (c: Civil): number => Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute);
const sameCivil = (a: Civil, b: Civil): boolean =>
  a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;

/** How far `zone`'s clock is ahead of UTC at an instant, in ms (whole minutes). */
function offsetAt(ms: number, zone: string): number {
  const floored = Math.floor(ms / 60_000) * 60_000;
  return asUtc(civilAt(floored, zone)) - floored;
}

/** The instant `zone`'s clocks show `c`: the earlier of two when clocks went back, none in a skipped hour. */
export function instantOf(c: Civil, zone: string): number | undefined {
  const wall = asUtc(c);
  // The offsets in force half a day either side cover any one transition.
  const candidates = [...new Set([wall - offsetAt(wall - 43_200_000, zone), wall - offsetAt(wall + 43_200_000, zone)])];
  const real = candidates.filter((t) => sameCivil(civilAt(t, zone), c)).sort((a, b) => a - b);
  return real[0];
}

/** Days in a month of a year (month 1-12). */
export const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Day of the week, 1 = Sunday ... 7 = Saturday (cron's numbering). */
export const weekday = (year: number, month: number, day: number): number => new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
