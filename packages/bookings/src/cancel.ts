import { randomUUID } from 'node:crypto';
import type { Sql } from '@bora/db';
import { cancelOwedFor } from '@bora/ledger';

export interface CancelRequest {
  tenantId: string;
  bookingId: string;
  reason?: string | null;
  /** Send the customer the cancellation message (not when they are moving to another time). */
  notify?: boolean;
  /** The customer asked by WhatsApp: the cancellation answers them from the number they wrote to. */
  via?: { serverId: string; instanceId: string };
}

export interface CancelOutcome {
  /** This call cancelled it (false: it was already cancelled, or is not this tenant's). */
  cancelled: boolean;
  /** Owed messages the ledger cancelled (their jobs can go). */
  owedCancelled: string[];
  /** The cancellation message to enqueue, if one was created. */
  cancellation: { id: string; dueAt: Date } | null;
}

/**
 * Cancels in one statement — the one path for the API, the mini-site, the manage page and a
 * customer's WhatsApp "2": the booking leaves the overlap constraint (its slot frees), the
 * messages still owed for it (a confirmation not yet sent, the reminders) are cancelled by the
 * ledger, and a cancellation message is created. `on conflict do nothing` plus the
 * `status = 'confirmed'` guard make a second cancel a no-op.
 */
export async function cancelBooking(sql: Sql, request: CancelRequest): Promise<CancelOutcome> {
  const now = new Date();
  const cancellationId = randomUUID();
  const reason = request.reason?.trim() || null;
  const notify = request.notify !== false;
  const [outcome] = await sql<{ cancelled: boolean; owed: string[] | null; cancellation: string | null }[]>`
    with b as (
      update bookings set status = 'cancelled', cancel_reason = ${reason}::text, cancelled_at = now(), updated_at = now()
      where id = ${request.bookingId}::uuid and tenant_id = ${request.tenantId}::uuid and status = 'confirmed'
      returning id, customer_phone
    ), r as (${cancelOwedFor(sql, sql`select id from b`)}), c as (
      insert into notifications (id, tenant_id, booking_id, kind, recipient, due_at, forced_evolution_api_id, forced_instance_id)
      select ${cancellationId}::uuid, ${request.tenantId}::uuid, b.id, 'cancellation', b.customer_phone, ${now.toISOString()}::timestamptz,
             ${request.via?.serverId ?? null}::uuid, ${request.via?.instanceId ?? null}::uuid
        from b where ${notify}::boolean
      on conflict (booking_id, kind, seq) do nothing
      returning id
    )
    select exists (select 1 from b) as cancelled, (select array_agg(id) from r) as owed, (select id from c) as cancellation`;
  return {
    cancelled: outcome?.cancelled ?? false,
    owedCancelled: outcome?.owed ?? [],
    cancellation: outcome?.cancellation ? { id: outcome.cancellation, dueAt: now } : null,
  };
}

/** The customer said they will come: recorded once (the first way they said it is kept). */
export async function confirmAttendance(sql: Sql, tenantId: string, bookingId: string, via: string): Promise<boolean> {
  const rows = await sql<{ id: string }[]>`
    update bookings set attendance_confirmed_at = now(), attendance_confirmed_via = ${via}, updated_at = now()
     where id = ${bookingId}::uuid and tenant_id = ${tenantId}::uuid and status = 'confirmed' and attendance_confirmed_at is null
    returning id`;
  return rows.length > 0;
}
