/**
 * Wall-clock time in a tenant's IANA zone ↔ instants for the legacy free-text form, on the
 * helpers in `slots/zone.ts`. The customer types "10/03, 14:30" meaning the business's clock,
 * whatever zone their phone or our server is in.
 */
import { dayOf, formatDay, wallClock } from '../slots/zone.ts';

export { DEFAULT_TIMEZONE, safeZone } from '../slots/zone.ts';

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
  return formatDay(dayOf(now, timeZone));
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
