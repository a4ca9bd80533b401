import { randomUUID } from 'node:crypto';
import { quietHoursBegan, quietHoursEnd, type QuietHours } from './quiet-hours.ts';

/** A message a new booking owes, as its row is written. */
export interface PlannedMessage {
  id: string;
  kind: 'confirmation' | 'reminder';
  /** Which reminder (0, 1, …); 0 for the confirmation. */
  seq: number;
  status: 'pending';
  dueAt: Date;
}

export interface PlanSettings {
  /** Minutes before the appointment, one reminder each (e.g. [1440, 120]). */
  reminderOffsetsMinutes: readonly number[];
  quietHours: QuietHours;
  timezone: string;
  /** The confirmation waits this long for the customer to write first (0 = at once). */
  confirmationWaitMinutes: number;
}

/** A reminder due in the past, or within this of the booking itself, is pointless. */
const MIN_AHEAD_MS = 5 * 60_000;

/**
 * What a booking owes: the confirmation (now, or after the wait for the customer to write first)
 * and one reminder per offset still ahead. A reminder that would fall in quiet hours is moved
 * earlier, to just before they begin, or, when that has passed, later, to when they end — never
 * past the appointment. One that fits nowhere is not planned (the confirmation just went out).
 */
export function planMessages(startsAt: Date, now: Date, settings: PlanSettings): PlannedMessage[] {
  const planned: PlannedMessage[] = [
    {
      id: randomUUID(),
      kind: 'confirmation',
      seq: 0,
      status: 'pending',
      dueAt: new Date(now.getTime() + settings.confirmationWaitMinutes * 60_000),
    },
  ];
  const offsets = [...new Set(settings.reminderOffsetsMinutes.filter((m) => m > 0))].sort((a, b) => b - a);
  const earliest = now.getTime() + MIN_AHEAD_MS;
  let seq = 0;
  const used = new Set<number>();
  for (const offset of offsets) {
    let due = new Date(startsAt.getTime() - offset * 60_000);
    const before = quietHoursBegan(due, settings.timezone, settings.quietHours);
    if (before) {
      const after = quietHoursEnd(due, settings.timezone, settings.quietHours)!;
      due = before.getTime() >= earliest ? before : after;
    }
    if (due.getTime() < earliest || due.getTime() >= startsAt.getTime() || used.has(due.getTime())) continue;
    used.add(due.getTime());
    planned.push({ id: randomUUID(), kind: 'reminder', seq: seq++, status: 'pending', dueAt: due });
  }
  return planned;
}
