import { planMessages } from '@bora/bookings';
import type { Sql } from '@bora/db';

interface BookingRows {
  id: string;
  customer_name: string;
  starts_at: Date | string;
  created_at: Date | string;
  timezone: string;
  reminder_offsets_minutes: number[];
  quiet_hours_start: string;
  quiet_hours_end: string;
  confirmation_wait_minutes: number;
  confirmations: number;
  reminders: number;
}

/**
 * Bookings whose rows are not what intake writes with them in one transaction: one confirmation
 * and the reminders its tenant's plan gives (offsets, quiet hours). Empty when nothing is half-written.
 */
export async function notWhole(
  sql: Sql,
  customerLike: string,
): Promise<{ id: string; customer_name: string; confirmations: number; reminders: number; planned: number }[]> {
  const rows = await sql<BookingRows[]>`
    select b.id, b.customer_name, b.starts_at, b.created_at, t.timezone, t.reminder_offsets_minutes, t.quiet_hours_start, t.quiet_hours_end,
           t.confirmation_wait_minutes,
           (select count(*) from notifications n where n.booking_id = b.id and n.kind = 'confirmation')::int as confirmations,
           (select count(*) from notifications n where n.booking_id = b.id and n.kind = 'reminder')::int as reminders
      from bookings b join tenants t on t.id = b.tenant_id
     where b.customer_name like ${customerLike}`;
  return rows.flatMap((r) => {
    const planned =
      planMessages(new Date(r.starts_at), new Date(r.created_at), {
        reminderOffsetsMinutes: r.reminder_offsets_minutes,
        quietHours: { start: r.quiet_hours_start, end: r.quiet_hours_end },
        timezone: r.timezone,
        confirmationWaitMinutes: r.confirmation_wait_minutes,
      }).length - 1;
    return r.confirmations === 1 && r.reminders === planned
      ? []
      : [{ id: r.id, customer_name: r.customer_name, confirmations: r.confirmations, reminders: r.reminders, planned }];
  });
}
