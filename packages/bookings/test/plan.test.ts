import { describe, expect, it } from 'vitest';
import { inQuietHours, planMessages, quietHoursEnd } from '../src/index.ts';

const sp = 'America/Sao_Paulo';
const quiet = { start: '21:00', end: '08:00' };
const at = (iso: string) => new Date(iso);
const settings = { reminderOffsetsMinutes: [1440, 120], quietHours: quiet, timezone: sp, confirmationWaitMinutes: 0 };

describe('planning the messages a booking owes', () => {
  it('a confirmation now and reminders a day and two hours before, outside quiet hours', () => {
    // Thursday 14:30 in São Paulo (17:30 UTC), booked on Monday.
    const plan = planMessages(at('2031-01-09T17:30:00Z'), at('2031-01-06T12:00:00Z'), settings);
    expect(plan.map((p) => [p.kind, p.seq, p.dueAt.toISOString()])).toEqual([
      ['confirmation', 0, '2031-01-06T12:00:00.000Z'],
      ['reminder', 0, '2031-01-08T17:30:00.000Z'],
      ['reminder', 1, '2031-01-09T15:30:00.000Z'],
    ]);
  });

  it('a reminder that would fall in quiet hours moves earlier, to just before they begin', () => {
    // 09:00 appointment: the 2 h reminder would be 07:00 (quiet) → 20:59 the evening before.
    const plan = planMessages(at('2031-01-09T12:00:00Z'), at('2031-01-06T12:00:00Z'), settings);
    const reminders = plan.filter((p) => p.kind === 'reminder').map((p) => p.dueAt.toISOString());
    expect(reminders).toEqual(['2031-01-08T12:00:00.000Z', '2031-01-08T23:59:00.000Z']);
    for (const r of plan.filter((p) => p.kind === 'reminder')) expect(inQuietHours(r.dueAt, sp, quiet)).toBe(false);
  });

  it('when earlier has passed, later — to the end of quiet hours, still before the appointment', () => {
    // Booked at 22:00 for 10:00 next morning: the 2 h reminder (08:00) is fine; the 1 day one is gone.
    const plan = planMessages(at('2031-01-09T13:00:00Z'), at('2031-01-09T01:00:00Z'), {
      ...settings,
      reminderOffsetsMinutes: [1440, 180],
    });
    // 3 h before 10:00 is 07:00 (quiet; 20:59 already passed) → 08:00.
    expect(plan.filter((p) => p.kind === 'reminder').map((p) => p.dueAt.toISOString())).toEqual([
      '2031-01-09T11:00:00.000Z',
    ]);
  });

  it('waits for the customer to write first when the business asks it', () => {
    const plan = planMessages(at('2031-01-09T17:30:00Z'), at('2031-01-06T12:00:00Z'), {
      ...settings,
      confirmationWaitMinutes: 10,
    });
    expect(plan[0]!.dueAt.toISOString()).toBe('2031-01-06T12:10:00.000Z');
  });

  it('quiet hours end at their local end, across a DST change too', () => {
    expect(quietHoursEnd(at('2031-01-09T02:00:00Z'), sp, quiet)?.toISOString()).toBe('2031-01-09T11:00:00.000Z');
    // New York springs forward on 2031-03-09: 06:00 UTC is 01:00 EST; quiet ends 08:00 EDT = 12:00 UTC.
    expect(quietHoursEnd(at('2031-03-09T06:00:00Z'), 'America/New_York', quiet)?.toISOString()).toBe(
      '2031-03-09T12:00:00.000Z',
    );
    expect(quietHoursEnd(at('2031-01-09T15:00:00Z'), sp, quiet)).toBeUndefined();
  });
});

describe('a time zone Intl cannot read', () => {
  it('plans the reminders at their plain offsets instead of failing the booking', () => {
    const startsAt = new Date('2030-03-10T17:30:00Z');
    const planned = planMessages(startsAt, new Date('2030-03-01T12:00:00Z'), {
      reminderOffsetsMinutes: [1440, 120],
      quietHours: { start: '21:00', end: '08:00' },
      timezone: 'America/Sao_Paolo',
      confirmationWaitMinutes: 0,
    });
    expect(planned.map((p) => p.dueAt.toISOString())).toEqual([
      '2030-03-01T12:00:00.000Z',
      '2030-03-09T17:30:00.000Z',
      '2030-03-10T15:30:00.000Z',
    ]);
  });
});
