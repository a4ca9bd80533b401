import type { BookingStatus, Sql } from '@bora/db';

export interface BookingRow {
  id: string;
  code: string;
  customer_name: string;
  customer_phone: string;
  service: string;
  professional: string;
  starts_at: Date;
  ends_at: Date;
  status: BookingStatus;
  cancel_reason: string | null;
  attendance_confirmed_at: Date | null;
  attendance_confirmed_via: string | null;
  cancelled_at: Date | null;
}

/** A tenant's bookings ending after `from`, by start time (the operator's agenda). */
export async function findAgenda(
  sql: Sql,
  tenantId: string,
  filter: { from: Date; status?: BookingStatus; limit: number },
): Promise<BookingRow[]> {
  return sql<BookingRow[]>`
    select id, code, customer_name, customer_phone, service, professional, starts_at, ends_at, status, cancel_reason,
           attendance_confirmed_at, attendance_confirmed_via, cancelled_at
      from bookings
     where tenant_id = ${tenantId} and ends_at > ${filter.from.toISOString()}
       ${filter.status ? sql`and status = ${filter.status}` : sql``}
     order by starts_at
     limit ${filter.limit}`;
}
