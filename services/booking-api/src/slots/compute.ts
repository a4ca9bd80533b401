import { instantAt, isoWeekday, offsetMinutes } from './zone.ts';

/** Wall-clock minutes after midnight in the tenant's zone: [start, end), end up to 1440. */
export interface MinuteRange {
  start: number;
  end: number;
}

export interface Schedule {
  /** ISO weekday (1 = Monday … 7 = Sunday) → its ranges. */
  weekly: ReadonlyMap<number, readonly MinuteRange[]>;
  /** Day number → the ranges that replace the weekly ones that day (empty = closed). */
  exceptions: ReadonlyMap<number, readonly MinuteRange[]>;
}

export interface BusyProfessional {
  id: string;
  name: string;
  /** Confirmed bookings as [startMs, endMs), sorted by start. */
  busy: readonly (readonly [number, number])[];
}

/** One bookable start in the grid, with the offset the zone shows at its start and end. */
export interface GridSlot {
  start: number;
  end: number;
  startOffset: number;
  endOffset: number;
}

export interface FreeSlot extends GridSlot {
  professionalId: string;
}

export function rangesFor(schedule: Schedule, day: number): readonly MinuteRange[] {
  return schedule.exceptions.get(day) ?? schedule.weekly.get(isoWeekday(day)) ?? [];
}

/**
 * Every start of `day` where a service of `durationMinutes` fits inside an opening range, one
 * every `stepMinutes` from the range's opening. Stepping is in real time from the opening instant,
 * so on a DST day the grid neither skips nor repeats time: a range 00:00–04:00 on a spring-forward
 * night has three real hours of slots, on a fall-back night five, each named by its own offset.
 */
export function dayGrid(
  ranges: readonly MinuteRange[],
  day: number,
  zone: string,
  durationMinutes: number,
  stepMinutes: number,
): GridSlot[] {
  const grid: GridSlot[] = [];
  const duration = durationMinutes * 60_000;
  const step = stepMinutes * 60_000;
  for (const range of ranges) {
    const open = instantAt(day, range.start, zone, 'earlier');
    // A range up to 24:00 ends where the next day begins (its first midnight, should the clock
    // show midnight twice); any other end shown twice gives the range its longer reading.
    const close = range.end >= 1440 ? instantAt(day + 1, 0, zone, 'earlier') : instantAt(day, range.end, zone, 'later');
    const openOffset = offsetMinutes(open, zone);
    // One offset at both ends means none in between (zones change at most once a day): most days
    // need no per-slot lookup at all.
    const steady = openOffset === offsetMinutes(close, zone);
    for (let start = open; start + duration <= close; start += step) {
      const end = start + duration;
      grid.push({
        start,
        end,
        startOffset: steady ? openOffset : offsetMinutes(start, zone),
        endOffset: steady ? openOffset : offsetMinutes(end, zone),
      });
    }
  }
  return grid.sort((a, b) => a.start - b.start);
}

/**
 * Walks sorted slots against one professional's sorted bookings in one pass: a slot is free when
 * the first booking that ends after its start begins at or after its end. Earlier bookings all end
 * before (slots only move forward), so overlapping bookings in the list need no special care.
 */
function freeMask(grid: readonly GridSlot[], busy: BusyProfessional['busy']): boolean[] {
  const mask: boolean[] = new Array(grid.length);
  let next = 0;
  for (let i = 0; i < grid.length; i++) {
    const slot = grid[i]!;
    while (next < busy.length && busy[next]![1] <= slot.start) next++;
    mask[i] = next >= busy.length || busy[next]![0] >= slot.end;
  }
  return mask;
}

function bookingsWithin(busy: BusyProfessional['busy'], from: number, to: number): number {
  let n = 0;
  for (const [start, end] of busy) if (start < to && end > from) n++;
  return n;
}

/**
 * The free slots among `grid` from `notBefore` on. With one professional: that professional's
 * free starts. With several ("qualquer um"): each start once, given to the professional who has
 * the fewest bookings that day among those free then (ties: the order given, by name), so work
 * spreads across the team.
 */
export function freeSlots(
  grid: readonly GridSlot[],
  professionals: readonly BusyProfessional[],
  notBefore: number,
): FreeSlot[] {
  const first = grid.findIndex((slot) => slot.start >= notBefore);
  if (first < 0 || professionals.length === 0) return [];
  const slots = grid.slice(first);
  const from = grid[0]!.start;
  const to = grid[grid.length - 1]!.end;
  const ranked = professionals
    .map((p, order) => ({ id: p.id, mask: freeMask(slots, p.busy), load: bookingsWithin(p.busy, from, to), order }))
    .sort((a, b) => a.load - b.load || a.order - b.order);
  const free: FreeSlot[] = [];
  slots.forEach((slot, i) => {
    const who = ranked.find((p) => p.mask[i]);
    if (who) free.push({ ...slot, professionalId: who.id });
  });
  return free;
}

/** Professionals free for exactly [start, end), in the order `freeSlots` would choose them. */
export function freeProfessionalsAt(
  professionals: readonly BusyProfessional[],
  start: number,
  end: number,
  dayFrom: number,
  dayTo: number,
): BusyProfessional[] {
  return professionals
    .map((p, order) => ({ p, order, load: bookingsWithin(p.busy, dayFrom, dayTo) }))
    .filter(({ p }) => !p.busy.some(([s, e]) => s < end && e > start))
    .sort((a, b) => a.load - b.load || a.order - b.order)
    .map(({ p }) => p);
}
