import { randomUUID } from 'node:crypto';
import { notFound } from '@bora/core';
import type { Sql } from '@bora/db';
import { cancelOwedFor } from '@bora/ledger';
import type { BookingView, NotificationRef } from './booking-store.ts';
import { dispatchAfterCommit, requireTenant, type BookingDeps } from './create-booking.ts';

function bookingNotFound() {
  return notFound('BOOKING_NOT_FOUND', 'Agendamento não encontrado');
}

/** One booking of one tenant with its notifications (in the order they are sent), or undefined. */
export async function findBooking(sql: Sql, tenantId: string, tenantSlug: string, id: string): Promise<BookingView | undefined> {
  // Instants are formatted by Postgres: the drizzle client this pool is shared with makes
  // postgres.js hand timestamps back as raw strings, not Dates.
  const rows = await sql<Omit<BookingView, 'tenantSlug'>[]>`
    select b.id, b.status, b.customer_name as "customerName", b.customer_phone as "customerPhone", b.service,
           nullif(b.professional, '') as professional, b.notes, to_char(b.starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "startsAt",
           to_char(b.ends_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "endsAt",
           coalesce((
             select json_agg(json_build_object('id', n.id, 'kind', n.kind, 'status', n.status)
                             order by array_position(array['confirmation','reminder','cancellation'], n.kind))
             from notifications n where n.booking_id = b.id
           ), '[]'::json) as notifications
    from bookings b
    where b.id = ${id}::uuid and b.tenant_id = ${tenantId}::uuid`;
  const row = rows[0];
  if (!row) return undefined;
  return { ...row, tenantSlug };
}

export async function getBooking(deps: BookingDeps, slug: string, id: string): Promise<BookingView> {
  const tenant = await requireTenant(deps.tenants, slug);
  const booking = await findBooking(deps.sql, tenant.id, tenant.slug, id);
  if (!booking) throw bookingNotFound();
  return booking;
}

/**
 * Cancels in one statement: the booking leaves the overlap constraint (its slot frees), the
 * messages still owed for it (a confirmation not yet sent, the reminders) are cancelled by the
 * ledger, and a cancellation notification is created — `on conflict do nothing` plus the
 * `status = 'confirmed'` guard make a second cancel a no-op. After commit their jobs are removed
 * (best effort: the claim re-reads the booking anyway) and the cancellation enqueued.
 */
export async function cancelBooking(deps: BookingDeps, slug: string, id: string, reason: string | undefined): Promise<BookingView> {
  const tenant = await requireTenant(deps.tenants, slug);
  const now = new Date();
  const cancellationId = randomUUID();
  const trimmed = reason?.trim() || null;
  const [outcome] = await deps.sql<{ reminders: string[] | null; cancellation: string | null }[]>`
    with b as (
      update bookings set status = 'cancelled', cancel_reason = ${trimmed}::text, cancelled_at = now(), updated_at = now()
      where id = ${id}::uuid and tenant_id = ${tenant.id}::uuid and status = 'confirmed'
      returning id, customer_phone
    ), r as (${cancelOwedFor(deps.sql, deps.sql`select id from b`)}), c as (
      insert into notifications (id, tenant_id, booking_id, kind, recipient, due_at)
      select ${cancellationId}::uuid, ${tenant.id}::uuid, b.id, 'cancellation', b.customer_phone, ${now.toISOString()}::timestamptz from b
      on conflict (booking_id, kind) do nothing
      returning id
    )
    select (select array_agg(id) from r) as reminders, (select id from c) as cancellation`;

  if (outcome?.reminders?.length) await deps.enqueuer.remove(tenant.id, outcome.reminders);
  if (outcome?.cancellation) {
    const planned: NotificationRef[] = [{ id: outcome.cancellation, kind: 'cancellation', status: 'pending', dueAt: now }];
    await dispatchAfterCommit(deps, tenant.id, planned);
  }
  const booking = await findBooking(deps.sql, tenant.id, tenant.slug, id);
  if (!booking) throw bookingNotFound();
  return booking;
}
