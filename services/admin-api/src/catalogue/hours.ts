import { validationFailed, type FieldProblem } from '@bora/core';
import type { Static } from 'typebox';
import { WEEKDAYS, type OpeningHoursBody, type TimeRange } from './schemas.ts';

export interface MinuteRange {
  start: number;
  end: number;
}

export interface OpeningHours {
  /** ISO weekday (1 = Monday) → ranges. */
  weekly: Map<number, MinuteRange[]>;
  exceptions: { date: string; ranges: MinuteRange[]; note: string | null }[];
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function formatMinutes(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

export function rangeView(range: MinuteRange): Static<typeof TimeRange> {
  return { start: formatMinutes(range.start), end: formatMinutes(range.end) };
}

/** Ranges in order, each ending after it starts and none overlapping another (touching is fine). */
function checkRanges(
  ranges: readonly Static<typeof TimeRange>[],
  field: string,
  problems: FieldProblem[],
): MinuteRange[] {
  const parsed = ranges.map((r) => ({ start: toMinutes(r.start), end: toMinutes(r.end) }));
  parsed.forEach((r, i) => {
    if (r.end <= r.start)
      problems.push({
        field: `${field}[${i}]`,
        message: `o fim (${formatMinutes(r.end)}) precisa ser depois do início (${formatMinutes(r.start)})`,
      });
  });
  const sorted = [...parsed].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const [before, after] = [sorted[i - 1]!, sorted[i]!];
    if (after.start < before.end) {
      problems.push({
        field,
        message: `os intervalos ${formatMinutes(before.start)}–${formatMinutes(before.end)} e ${formatMinutes(after.start)}–${formatMinutes(after.end)} se sobrepõem`,
      });
    }
  }
  return sorted;
}

function validDate(date: string): boolean {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}

/** The body of `PUT /opening-hours`, checked; every problem named by its path, all at once. */
export function toOpeningHours(body: Static<typeof OpeningHoursBody>): OpeningHours {
  const problems: FieldProblem[] = [];
  const weekly = new Map<number, MinuteRange[]>();
  WEEKDAYS.forEach((day, i) => {
    const ranges = checkRanges(body.weekly[day] ?? [], `weekly.${day}`, problems);
    if (ranges.length > 0) weekly.set(i + 1, ranges);
  });
  const seen = new Set<string>();
  const exceptions = (body.exceptions ?? []).map((e, i) => {
    const field = `exceptions[${i}]`;
    if (!validDate(e.date)) problems.push({ field: `${field}.date`, message: 'data inexistente' });
    else if (seen.has(e.date)) problems.push({ field: `${field}.date`, message: `${e.date} aparece mais de uma vez` });
    seen.add(e.date);
    const note = e.note?.trim() || null;
    return { date: e.date, ranges: checkRanges(e.ranges, `${field}.ranges`, problems), note };
  });
  if (problems.length > 0) throw validationFailed(problems);
  return { weekly, exceptions: exceptions.sort((a, b) => (a.date < b.date ? -1 : 1)) };
}
