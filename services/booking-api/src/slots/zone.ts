/**
 * Calendar days and wall-clock minutes in a tenant's IANA zone ↔ instants, DST-safe, with the
 * platform's `Intl` only. Node ships the full ICU time-zone database (and updates it with each
 * release), so every IANA zone works without a dependency; Temporal is not in Node 20 yet, and a
 * library (luxon, date-fns-tz) would only wrap these same `Intl` calls.
 *
 * A day is a number: days since 1970-01-01 (its date as UTC midnight / 86 400 000), so stepping
 * through days is arithmetic and never meets a DST change. Only turning (day, minute) into an
 * instant asks the zone, and that answer handles the two awkward cases explicitly: a wall time the
 * clock skips (spring forward) and one it shows twice (fall back).
 */
export const DEFAULT_TIMEZONE = 'America/Sao_Paulo';

/** A zone Intl knows, or the default one (a tenant row with a typo must not break its pages). */
export function safeZone(timeZone: string): string {
  try {
    partsFormatter(timeZone);
    return timeZone;
  } catch {
    return DEFAULT_TIMEZONE;
  }
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** The zone's wall clock at `instant`, encoded as if it were a UTC epoch (whole seconds). */
export function wallClock(instant: number, zone: string): number {
  const p: Record<string, number> = {};
  for (const part of partsFormatter(zone).formatToParts(instant))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
}

/** UTC offset in minutes at `instant` (−180 for São Paulo). */
export function offsetMinutes(instant: number, zone: string): number {
  return Math.round((wallClock(instant, zone) - Math.floor(instant / 1000) * 1000) / MINUTE_MS);
}

/** `YYYY-MM-DD` → day number, or undefined for a malformed or impossible date (2030-02-30). */
export function parseDay(date: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return undefined;
  return ms / DAY_MS;
}

export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: number): number {
  // 1970-01-01 was a Thursday (4).
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** The zone's calendar day at `instant`. */
export function dayOf(instant: number, zone: string): number {
  return Math.floor(wallClock(instant, zone) / DAY_MS);
}

/** Minutes after the zone's midnight at `instant` (wall clock, so 0–1439). */
export function minuteOf(instant: number, zone: string): number {
  const wall = wallClock(instant, zone);
  return Math.floor((wall - Math.floor(wall / DAY_MS) * DAY_MS) / MINUTE_MS);
}

/** The first instant whose offset equals `end`'s, searched in (start, end] to the minute. */
function transitionBetween(start: number, end: number, zone: string): number {
  const after = offsetMinutes(end, zone);
  let lo = start;
  let hi = end;
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
    if (offsetMinutes(mid, zone) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The instant at which the zone's clock shows `minute` (0–1440) of `day`. A time shown twice
 * (fall back) gives its earlier or later instant as asked; a time the clock skips (spring forward)
 * gives the instant the clock jumps, the first real time after the gap — so an opening range that
 * starts or ends inside a gap is simply the part of it that exists.
 */
export function instantAt(day: number, minute: number, zone: string, prefer: 'earlier' | 'later' = 'earlier'): number {
  const wall = day * DAY_MS + minute * MINUTE_MS;
  // The offsets in force within a day either side cover any instant that can show this wall time
  // (offsets span −12 h…+14 h, and zones change offset at most once in two days).
  const offsets = new Set([
    offsetMinutes(wall - DAY_MS, zone),
    offsetMinutes(wall, zone),
    offsetMinutes(wall + DAY_MS, zone),
  ]);
  const candidates = [...offsets]
    .map((o) => wall - o * MINUTE_MS)
    .filter((instant) => wallClock(instant, zone) === wall);
  if (candidates.length > 0) return prefer === 'earlier' ? Math.min(...candidates) : Math.max(...candidates);
  return transitionBetween(wall - DAY_MS, wall + DAY_MS, zone);
}

/** `2030-12-02T14:30:00-03:00`: the zone's wall clock with its offset (what the slots API answers). */
export function isoInZone(instant: number, zone: string, offset = offsetMinutes(instant, zone)): string {
  const local = new Date(Math.floor(instant / 1000) * 1000 + offset * MINUTE_MS).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** `HH:MM` for minutes after midnight (1440 → `24:00`). */
export function formatMinute(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
