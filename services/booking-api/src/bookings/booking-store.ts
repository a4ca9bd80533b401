import type { Sql } from '@bora/db';
import type { BookingInput } from './booking-input.ts';

export interface NotificationRef {
  id: string;
  kind: string;
  /** Which reminder (0, 1, …); 0 for other kinds. */
  seq: number;
  status: string;
  dueAt: Date;
}

export interface BookingView {
  id: string;
  tenantSlug: string;
  status: 'confirmed' | 'cancelled';
  customerName: string;
  customerPhone: string;
  service: string;
  professional: string | null;
  serviceId: string | null;
  professionalId: string | null;
  notes: string | null;
  startsAt: string;
  endsAt: string;
  notifications: { id: string; kind: string; status: string }[];
}

export function bookingView(
  tenantSlug: string,
  id: string,
  status: 'confirmed' | 'cancelled',
  input: BookingInput,
  notifications: readonly Pick<NotificationRef, 'id' | 'kind' | 'status'>[],
): BookingView {
  return {
    id,
    tenantSlug,
    status,
    customerName: input.customerName,
    customerPhone: input.customerPhone,
    service: input.service,
    professional: input.professional === '' ? null : input.professional,
    serviceId: input.serviceId,
    professionalId: input.professionalId,
    notes: input.notes,
    startsAt: input.startsAt.toISOString(),
    endsAt: input.endsAt.toISOString(),
    notifications: notifications.map(({ id: nid, kind, status: s }) => ({ id: nid, kind, status: s })),
  };
}

export interface StoredKey {
  key: string;
  requestHash: string;
  expiresAt: Date;
  responseBody: BookingView;
}

/**
 * The booking and its notification rows in ONE statement (a data-modifying CTE is atomic, so
 * it is its own transaction): one round trip on the hot path. Ids are made here so the
 * response needs nothing back from Postgres. With an idempotency key, the key row and the
 * response body it will replay are written by the same statement, so a crash can never leave
 * a booking without its key (a retry would then book twice) or a key without its booking.
 */
export async function insertBooking(
  sql: Sql,
  tenantId: string,
  bookingId: string,
  input: BookingInput,
  notifications: readonly NotificationRef[],
  key?: StoredKey,
): Promise<void> {
  const ids = notifications.map((n) => n.id);
  const kinds = notifications.map((n) => n.kind);
  const seqs = notifications.map((n) => n.seq);
  const dues = notifications.map((n) => n.dueAt.toISOString());
  // Explicit casts everywhere: inside INSERT … SELECT, Postgres cannot infer parameter types;
  // instants go as ISO strings since drizzle (sharing this pool) disables the Date serializer.
  const booking = sql`
    insert into bookings (id, tenant_id, customer_name, customer_phone, service, professional, notes, starts_at, ends_at, service_id, professional_id)
    values (${bookingId}::uuid, ${tenantId}::uuid, ${input.customerName}::text, ${input.customerPhone}::text, ${input.service}::text,
            ${input.professional}::text, ${input.notes}::text, ${input.startsAt.toISOString()}::timestamptz,
            ${input.endsAt.toISOString()}::timestamptz, ${input.serviceId}::uuid, ${input.professionalId}::uuid)
    returning id`;
  const rows = sql`
    insert into notifications (id, tenant_id, booking_id, kind, seq, recipient, due_at)
    select n.id, ${tenantId}::uuid, b.id, n.kind, n.seq, ${input.customerPhone}::text, n.due_at
    from b, unnest(${sql.array(ids)}::uuid[], ${sql.array(kinds)}::text[], ${sql.array(seqs)}::int[], ${sql.array(dues)}::timestamptz[])
      as n(id, kind, seq, due_at)`;
  if (!key) {
    await sql`with b as (${booking}) ${rows}`;
    return;
  }
  // A JSON string: the drizzle client sharing this pool turns postgres.js's jsonb serializer off.
  const body = JSON.stringify(key.responseBody);
  await sql`
    with b as (${booking}),
    n as (${rows} returning 1),
    k as (
      insert into idempotency_keys (tenant_id, key, request_hash, response_status, response_body, expires_at)
      select ${tenantId}::uuid, ${key.key}::text, ${key.requestHash}::text, 201, ${body}::jsonb, ${key.expiresAt.toISOString()}::timestamptz
      from b
      -- Only an expired row can be in the way (the caller holds the key's lock and saw no live one).
      on conflict (tenant_id, key) do update
        set request_hash = excluded.request_hash, response_status = excluded.response_status,
            response_body = excluded.response_body, created_at = now(), expires_at = excluded.expires_at
        where idempotency_keys.expires_at <= now()
    )
    select 1`;
}
