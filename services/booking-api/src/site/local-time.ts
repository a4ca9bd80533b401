/**
 * Wall-clock time in a tenant's IANA zone ↔ instants, with `Intl` only. The customer types
 * "10/03, 14:30" meaning the business's clock, whatever zone their phone or our server is in.
 */
export const DEFAULT_TIMEZONE = 'America/Sao_Paulo';

const partFormatters = new Map<string, Intl.DateTimeFormat>();

/** A zone Intl knows, or the default one (a tenant row with a typo must not break its page). */
export function safeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return DEFAULT_TIMEZONE;
  }
}

function partsIn(timeZone: string): Intl.DateTimeFormat {
  let formatter = partFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall clock in `timeZone` at `instant`, encoded as if it were a UTC epoch. */
function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of partsIn(timeZone).formatToParts(new Date(instant))) parts[p.type] = Number(p.value);
  return Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/**
 * The instant at which `timeZone`'s clock shows `wall`. The zone's offset is read at a first
 * guess and once more at the corrected instant (enough around any DST switch); a time the clock
 * skips (spring-forward gap) has no instant and gives undefined.
 */
export function zonedToInstant(wall: WallTime, timeZone: string): Date | undefined {
  const target = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const check = new Date(target);
  if (check.getUTCDate() !== wall.day || check.getUTCMonth() !== wall.month - 1) return undefined;
  let instant = target - (wallClock(target, timeZone) - target);
  instant = target - (wallClock(instant, timeZone) - instant);
  return wallClock(instant, timeZone) === target ? new Date(instant) : undefined;
}

/** Today's date in the zone as `YYYY-MM-DD` (the date input's `min`). */
export function todayIn(timeZone: string, now: number = Date.now()): string {
  return new Date(wallClock(now, timeZone)).toISOString().slice(0, 10);
}

const displayFormatters = new Map<string, Intl.DateTimeFormat>();

/** "segunda-feira, 10 de março de 2030 às 14:30" in the business's zone. */
export function formatWhen(instant: Date, timeZone: string): string {
  let formatter = displayFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('pt-BR', { timeZone, dateStyle: 'full', timeStyle: 'short' });
    displayFormatters.set(timeZone, formatter);
  }
  return formatter.format(instant);
}
