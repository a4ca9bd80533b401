import { quietHoursEnd } from '@bora/bookings';
import type { ClaimedNotification, Failure } from '@bora/ledger';

/**
 * After its claim, what a reminder's moment says about sending it now (pure):
 * - a reminder after the first, to a customer who already confirmed, is not needed (`skip`);
 * - in the business's quiet hours it waits for them to end (`defer`), or, if they end only after
 *   the appointment starts, it is `expire`d with that reason (never dropped silently);
 * - otherwise `send`.
 */
export type TimingVerdict =
  { kind: 'send' } | { kind: 'skip' | 'expire'; failure: Failure } | { kind: 'defer'; until: Date; failure: Failure };

export function reminderTiming(n: ClaimedNotification, now: Date): TimingVerdict {
  if (n.kind !== 'reminder' || !n.booking) return { kind: 'send' };
  if (n.seq > 0 && n.reminders.laterOnlyUnconfirmed && n.booking.attendanceConfirmed) {
    return {
      kind: 'skip',
      failure: {
        code: 'ALREADY_CONFIRMED',
        message: 'O cliente já confirmou presença; este lembrete não foi necessário',
        scope: 'request',
      },
    };
  }
  const end = quietHoursEnd(now, n.timezone, n.reminders.quietHours);
  if (!end) return { kind: 'send' };
  if (end.getTime() >= n.booking.startsAt.getTime()) {
    return {
      kind: 'expire',
      failure: {
        code: 'QUIET_HOURS',
        message: 'Lembrete não enviado: o horário de silêncio do negócio vai até o início do atendimento',
        scope: 'request',
      },
    };
  }
  return {
    kind: 'defer',
    until: end,
    failure: {
      code: 'QUIET_HOURS',
      message: 'Lembrete adiado para depois do horário de silêncio do negócio',
      scope: 'sender',
    },
  };
}
