import { notFound } from '@bora/core';
import type { Sql } from '@bora/db';
import { cancelBooking as cancelBookingRow, maskPhone } from '@bora/bookings';
import type { BookingView, NotificationRef } from './booking-store.ts';
import { dispatchAfterCommit, requireTenant, type BookingDeps } from './create-booking.ts';

function bookingNotFound() {
  return notFound('BOOKING_NOT_FOUND', 'Agendamento não encontrado');
}

/** One booking of one tenant with its notifications (in the order they are sent), or undefined. The number is masked. */
export async function findBooking(
  sql: Sql,
  tenantId: string,
  tenantSlug: string,
  id: string,
): Promise<BookingView | undefined> {
  // Instants are formatted by Postgres: the drizzle client this pool is shared with makes
  // postgres.js hand timestamps back as raw strings, not Dates.
  const rows = await sql<Omit<BookingView, 'tenantSlug'>[]>`
    select b.id, b.status, b.customer_name as "customerName", b.customer_phone as "customerPhone", b.service,
           nullif(b.professional, '') as professional, b.service_id as "serviceId", b.professional_id as "professionalId", b.notes, to_char(b.starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "startsAt",
           to_char(b.ends_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "endsAt",
           coalesce((
             select json_agg(json_build_object('id', n.id, 'kind', n.kind, 'status', n.status)
                             order by array_position(array['confirmation','reminder','cancellation'], n.kind), n.seq)
             from notifications n where n.booking_id = b.id
           ), '[]'::json) as notifications
    from bookings b
    where b.id = ${id}::uuid and b.tenant_id = ${tenantId}::uuid`;
  const row = rows[0];
  if (!row) return undefined;
  // Whoever holds a booking's id sees it, but not the customer's whole number.
  return { ...row, customerPhone: maskPhone(row.customerPhone), tenantSlug };
}

export async function getBooking(deps: BookingDeps, slug: string, id: string): Promise<BookingView> {
  const tenant = await requireTenant(deps.tenants, slug);
  const booking = await findBooking(deps.sql, tenant.id, tenant.slug, id);
  if (!booking) throw bookingNotFound();
  return booking;
}

/**
 * Cancels through the one cancel path (@bora/bookings): the booking, what it still owes, and the
 * cancellation message. After commit the cancelled jobs are removed (best effort: the claim re-reads
 * the booking anyway) and the cancellation enqueued.
 */
export async function cancelBooking(
  deps: BookingDeps,
  slug: string,
  id: string,
  reason: string | undefined,
): Promise<BookingView> {
  const tenant = await requireTenant(deps.tenants, slug);
  const outcome = await cancelBookingRow(deps.sql, { tenantId: tenant.id, bookingId: id, reason });
  if (outcome.owedCancelled.length > 0) await deps.enqueuer.remove(tenant.id, outcome.owedCancelled);
  if (outcome.cancellation) {
    const planned: NotificationRef[] = [
      {
        id: outcome.cancellation.id,
        kind: 'cancellation',
        seq: 0,
        status: 'pending',
        dueAt: outcome.cancellation.dueAt,
      },
    ];
    await dispatchAfterCommit(deps, tenant.id, planned);
  }
  const booking = await findBooking(deps.sql, tenant.id, tenant.slug, id);
  if (!booking) throw bookingNotFound();
  return booking;
}
