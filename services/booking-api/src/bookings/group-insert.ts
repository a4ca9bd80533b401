import { createBatcher } from '@bora/core';
import { pgErrorCode, type Sql } from '@bora/db';
import type { BookingInput } from './booking-input.ts';
import { insertBooking, type NotificationRef } from './booking-store.ts';

export interface NewBooking {
  tenantId: string;
  bookingId: string;
  input: BookingInput;
  notifications: readonly NotificationRef[];
}

/** One booking's outcome inside a group: written, or the error its own statement got. */
type Outcome = { error?: unknown };

/**
 * Many bookings and their notification rows in ONE statement, so one transaction and one WAL
 * flush. All or nothing: if any row breaks a constraint, none is written. Rows travel as JSON
 * (one parameter whatever the group size, so one prepared statement; nulls and quotes need no
 * array escaping); the notifications join the booking rows the statement actually inserted.
 */
export async function insertBookings(sql: Sql, group: readonly NewBooking[]): Promise<void> {
  const bookingRows = group.map(({ tenantId, bookingId, input }) => ({
    id: bookingId,
    tenant_id: tenantId,
    customer_name: input.customerName,
    customer_phone: input.customerPhone,
    service: input.service,
    professional: input.professional,
    notes: input.notes,
    starts_at: input.startsAt.toISOString(),
    ends_at: input.endsAt.toISOString(),
    service_id: input.serviceId,
    professional_id: input.professionalId,
  }));
  const notificationRows = group.flatMap(({ bookingId, notifications }) =>
    notifications.map((n) => ({
      id: n.id,
      booking_id: bookingId,
      kind: n.kind,
      seq: n.seq,
      due_at: n.dueAt.toISOString(),
    })),
  );
  await sql`
    with b as (
      insert into bookings (id, tenant_id, customer_name, customer_phone, service, professional, notes, starts_at, ends_at, service_id, professional_id)
      select r.id, r.tenant_id, r.customer_name, r.customer_phone, r.service, r.professional, r.notes, r.starts_at, r.ends_at, r.service_id, r.professional_id
      from json_to_recordset(${JSON.stringify(bookingRows)}::json) as r(
        id uuid, tenant_id uuid, customer_name text, customer_phone text, service text, professional text, notes text,
        starts_at timestamptz, ends_at timestamptz, service_id uuid, professional_id uuid)
      returning id, tenant_id, customer_phone
    )
    insert into notifications (id, tenant_id, booking_id, kind, seq, recipient, due_at)
    select n.id, b.tenant_id, b.id, n.kind, n.seq, b.customer_phone, n.due_at
    from json_to_recordset(${JSON.stringify(notificationRows)}::json) as n(id uuid, booking_id uuid, kind text, seq int, due_at timestamptz)
    join b on b.id = n.booking_id`;
}

/**
 * Postgres answered with an ERROR: the statement's transaction rolled back and the session lives
 * on, so nothing of the group was written and each booking may be tried again alone. Anything else
 * (a dropped connection, a FATAL from a shutdown) leaves the outcome unknown — the group may have
 * committed, and writing a booking again could turn its own slot into a 409 — so those requests
 * get the error, exactly as a lone insert on that connection would have.
 */
function rolledBack(error: unknown): boolean {
  const { name, severity } = (error ?? {}) as { name?: unknown; severity?: unknown };
  return name === 'PostgresError' && severity === 'ERROR';
}

/** deadlock_detected: not in PG_ERROR, nothing else in this service meets it. */
const DEADLOCK = '40P01';

/**
 * The one-booking statement (the one the Idempotency-Key path uses too). Two overlapping bookings inserted at the same instant can each
 * wait for the other's exclusion check; Postgres then aborts one of them with a deadlock, and its
 * retry sees the other committed and gets the 409 it should have had instead of a 500.
 */
async function insertAlone(sql: Sql, b: NewBooking): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      await insertBooking(sql, b.tenantId, b.bookingId, b.input, b.notifications);
      return {};
    } catch (error) {
      if (pgErrorCode(error) === DEADLOCK && attempt < 3) continue;
      return { error };
    }
  }
}

async function insertGroup(sql: Sql, group: NewBooking[]): Promise<Outcome[]> {
  if (group.length === 1) return [await insertAlone(sql, group[0]!)];
  try {
    await insertBookings(sql, group);
    return group.map(() => ({}));
  } catch (error) {
    if (!rolledBack(error)) return group.map(() => ({ error }));
    // One bad booking (an overlap, a value Postgres refuses) sank the group: each one again on
    // its own statement, so each request gets exactly its own 201 or error. One at a time, so
    // two bookings of this group that overlap each other meet as committed row and newcomer:
    // exactly one is written, the other gets its 409.
    const outcomes: Outcome[] = [];
    for (const b of group) outcomes.push(await insertAlone(sql, b));
    return outcomes;
  }
}

/**
 * Group commit of the booking INSERT: the first booking is written at once; bookings arriving
 * while a statement is in flight wait for it and are written together by the next one (at most
 * `maxGroup`). Idle, nothing waits; under load, one commit serves many requests. Resolves once
 * this booking is committed, or rejects with the error its own insert would have raised.
 */
export function createGroupInserter(sql: Sql, maxGroup = 64, inFlight = 2): (booking: NewBooking) => Promise<void> {
  // Two groups in flight: the next one is sent while the previous waits for its commit. More
  // would shrink the groups (each one's insert and WAL flush cost is what grouping amortizes).
  const insert = createBatcher((group: NewBooking[]) => insertGroup(sql, group), {
    maxBatch: maxGroup,
    concurrency: inFlight,
  });
  return async (booking) => {
    const { error } = await insert(booking);
    if (error !== undefined) throw error;
  };
}
