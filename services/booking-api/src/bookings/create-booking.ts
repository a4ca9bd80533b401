import { randomUUID } from 'node:crypto';
import { conflict, notFound } from '@bora/core';
import { PG_ERROR, pgErrorCode, type Sql } from '@bora/db';
import type { Logger } from '@bora/logger';
import type { TenantCache, TenantInfo } from '../tenants/tenant-cache.ts';
import { toBookingInput, type BookingRequest } from './booking-input.ts';
import { ENQUEUE_LOOKAHEAD_MS } from '@bora/queue';
import { bookingView, insertBooking, planNotifications, type BookingView, type NotificationRef } from './booking-store.ts';
import type { Enqueuer } from './enqueuer.ts';
import type { NewBooking } from './group-insert.ts';
import { findLiveKey, keyReused, requestHash, storeFinalBody, withKeyLock } from './idempotency.ts';

export interface BookingDeps {
  sql: Sql;
  tenants: TenantCache;
  enqueuer: Enqueuer;
  /** `insertBooking` for requests without an Idempotency-Key, group-committed across concurrent requests. */
  insertBooking: (booking: NewBooking) => Promise<void>;
  logger: Logger;
  idempotencyTtlHours: number;
}

export function tenantNotFound() {
  return notFound('TENANT_NOT_FOUND', 'Negócio não encontrado');
}

export async function requireTenant(tenants: TenantCache, slug: string): Promise<TenantInfo> {
  const tenant = await tenants.get(slug);
  if (!tenant) throw tenantNotFound();
  return tenant;
}

function mapInsertError(error: unknown, deps: BookingDeps, tenant: TenantInfo): never {
  const code = pgErrorCode(error);
  if (code === PG_ERROR.exclusionViolation) {
    throw conflict('SLOT_UNAVAILABLE', 'Este horário não está mais disponível; escolha outro horário', [
      { field: 'startsAt', message: 'horário já ocupado' },
    ]);
  }
  if (code === PG_ERROR.foreignKeyViolation) {
    // The tenant was deleted under a cached entry.
    deps.tenants.evict(tenant.slug);
    throw tenantNotFound();
  }
  throw error;
}

/**
 * After commit: enqueue the pointer jobs of what is due soon (the confirmation, a cancellation);
 * reminders wait in Postgres until the sweeper enqueues each shortly before it is due. The rows
 * stay `pending` — the answer says `queued` for a job Redis took in time. Whatever fails here
 * leaves rows the sweeper owns; the booking stands.
 */
export async function dispatchAfterCommit(deps: BookingDeps, tenantId: string, planned: readonly NotificationRef[]): Promise<NotificationRef[]> {
  const horizon = Date.now() + ENQUEUE_LOOKAHEAD_MS;
  const soon = planned.filter((n) => n.dueAt.getTime() <= horizon);
  if (!(await deps.enqueuer.enqueue(tenantId, soon))) return [...planned];
  const queued = new Set(soon.map((n) => n.id));
  return planned.map((n) => (queued.has(n.id) ? { ...n, status: 'queued' } : n));
}

function prepare(body: BookingRequest, tenant: TenantInfo) {
  const input = toBookingInput(body);
  const now = new Date();
  return { input, now, bookingId: randomUUID(), planned: planNotifications(input.startsAt, tenant.reminderLeadMinutes, now) };
}

/** `POST /v1/tenants/:slug/bookings`, for the JSON API and the mini-site form alike. */
export async function createBooking(
  deps: BookingDeps,
  slug: string,
  body: BookingRequest,
  idempotencyKey?: string,
): Promise<BookingView> {
  const tenant = await requireTenant(deps.tenants, slug);

  if (idempotencyKey === undefined) {
    const { input, bookingId, planned } = prepare(body, tenant);
    await deps.insertBooking({ tenantId: tenant.id, bookingId, input, notifications: planned }).catch((e: unknown) => mapInsertError(e, deps, tenant));
    const sent = await dispatchAfterCommit(deps, tenant.id, planned);
    return bookingView(tenant.slug, bookingId, 'confirmed', input, sent);
  }

  const hash = requestHash(body);
  return withKeyLock(deps.sql, tenant.id, idempotencyKey, async (conn) => {
    // Look the key up before validating: a retry arriving after the start time has passed
    // must still replay its booking, not fail with "precisa estar no futuro".
    const replay = await findLiveKey(conn, tenant.id, idempotencyKey);
    if (replay) {
      if (replay.requestHash !== hash) throw keyReused();
      return replay.body;
    }
    const { input, now, bookingId, planned } = prepare(body, tenant);
    const first = bookingView(tenant.slug, bookingId, 'confirmed', input, planned);
    const expiresAt = new Date(now.getTime() + deps.idempotencyTtlHours * 3_600_000);
    await insertBooking(conn, tenant.id, bookingId, input, planned, {
      key: idempotencyKey,
      requestHash: hash,
      expiresAt,
      responseBody: first,
    }).catch((e: unknown) => mapInsertError(e, deps, tenant));
    const sent = await dispatchAfterCommit(deps, tenant.id, planned);
    const final = bookingView(tenant.slug, bookingId, 'confirmed', input, sent);
    if (sent.some((n, i) => n.status !== planned[i]?.status)) {
      // If this fails, replays show the commit-time statuses: stale, still the same booking.
      await storeFinalBody(conn, tenant.id, idempotencyKey, final).catch((err: unknown) =>
        deps.logger.warn({ err }, 'could not store the final idempotent response'),
      );
    }
    return final;
  });
}
