import { randomUUID } from 'node:crypto';
import { conflict, notFound, validationFailed, type AppError } from '@bora/core';
import { PG_ERROR, pgConstraint, pgErrorCode, type Sql } from '@bora/db';
import type { Logger } from '@bora/logger';
import { ENQUEUE_LOOKAHEAD_MS } from '@bora/queue';
import { planMessages } from '@bora/bookings';
import { nextFreeSlots, type SlotView } from '../slots/slots.ts';
import type { TenantCache, TenantInfo } from '../tenants/tenant-cache.ts';
import { toBookingInput, type BookingInput, type BookingRequest } from './booking-input.ts';
import { bookingView, insertBooking, type BookingView, type NotificationRef } from './booking-store.ts';
import { planCatalogueBooking, toCatalogueRequest } from './catalogue-booking.ts';
import type { Enqueuer } from './enqueuer.ts';
import type { NewBooking } from './group-insert.ts';
import { findLiveKey, keyReused, requestHash, storeFinalBody, withKeyLock } from './idempotency.ts';
import type { BookingLimiter } from './limits.ts';

export interface BookingDeps {
  sql: Sql;
  tenants: TenantCache;
  enqueuer: Enqueuer;
  /** `insertBooking` for requests without an Idempotency-Key, group-committed across concurrent requests. */
  insertBooking: (booking: NewBooking) => Promise<void>;
  limiter: BookingLimiter;
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

export function slotUnavailable(nextSlots: SlotView[] = []): AppError {
  return conflict('SLOT_UNAVAILABLE', 'Este horário não está mais disponível; escolha outro horário', {
    field: 'startsAt',
    message: 'horário já ocupado',
    nextSlots,
  });
}

const isOverlap = (error: unknown) => pgErrorCode(error) === PG_ERROR.exclusionViolation;

function mapInsertError(error: unknown, deps: BookingDeps, tenant: TenantInfo): never {
  if (isOverlap(error)) throw slotUnavailable();
  if (pgErrorCode(error) === PG_ERROR.foreignKeyViolation) {
    // A catalogue entry deleted between the check and the insert.
    const constraint = pgConstraint(error) ?? '';
    if (constraint.startsWith('bookings_service_id'))
      throw validationFailed([{ field: 'serviceId', message: 'serviço não encontrado no catálogo deste negócio' }]);
    if (constraint.startsWith('bookings_professional_id'))
      throw validationFailed([{ field: 'professionalId', message: 'profissional não encontrado' }]);
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
export async function dispatchAfterCommit(
  deps: BookingDeps,
  tenantId: string,
  planned: readonly NotificationRef[],
): Promise<NotificationRef[]> {
  const horizon = Date.now() + ENQUEUE_LOOKAHEAD_MS;
  const soon = planned.filter((n) => n.dueAt.getTime() <= horizon);
  if (!(await deps.enqueuer.enqueue(tenantId, soon))) return [...planned];
  const queued = new Set(soon.map((n) => n.id));
  return planned.map((n) => (queued.has(n.id) ? { ...n, status: 'queued' } : n));
}

/** A booking as written, with its ids and the notifications it owes. */
interface Written {
  input: BookingInput;
  bookingId: string;
  planned: NotificationRef[];
}

/** Writes one booking (and whatever else the caller's statement writes with it). */
type Insert = (written: Written) => Promise<void>;

function plan(input: BookingInput, tenant: TenantInfo, now: Date): Written {
  const planned = planMessages(input.startsAt, now, {
    reminderOffsetsMinutes: tenant.reminderOffsetsMinutes,
    quietHours: tenant.quietHours,
    timezone: tenant.timezone,
    confirmationWaitMinutes: tenant.confirmationWaitMinutes,
  });
  return { input, bookingId: randomUUID(), planned };
}

/**
 * The catalogue path: checked against the catalogue, hours and limits, then written for the best
 * free professional; when a concurrent booking took that one first (the exclusion constraint says
 * so), the next free one is tried. A lost race with nobody left answers 409 with the next free
 * slots. Requests of one phone run one after another on this replica (see BookingLimiter).
 */
async function writeCatalogueBooking(
  deps: BookingDeps,
  sql: Sql,
  tenant: TenantInfo,
  body: BookingRequest,
  insert: Insert,
): Promise<Written> {
  const now = new Date();
  const request = toCatalogueRequest(body, now.getTime());
  return deps.limiter.forPhone(tenant.id, request.customerPhone, async () => {
    const catalogue = await planCatalogueBooking(sql, tenant, request, now.getTime());
    const release = deps.limiter.enterTenant(tenant.id, catalogue.rules.maxBookingsPerMinute, now.getTime());
    let written: Written | undefined;
    try {
      for (const professional of catalogue.candidates.slice(0, 3)) {
        const attempt = plan(
          { ...catalogue.base, professional: professional.name, professionalId: professional.id },
          tenant,
          now,
        );
        try {
          await insert(attempt);
          written = attempt;
          break;
        } catch (error) {
          if (!isOverlap(error)) return mapInsertError(error, deps, tenant);
        }
      }
    } finally {
      release(written !== undefined);
    }
    if (written) return written;
    const wanted = { tenantId: tenant.id, serviceId: request.serviceId, professionalId: request.professionalId };
    const next = await nextFreeSlots(sql, wanted, catalogue.zone, catalogue.base.startsAt.getTime(), Date.now()).catch(
      (err: unknown) => {
        deps.logger.warn({ err }, 'could not list the next free slots');
        return [];
      },
    );
    throw slotUnavailable(next);
  });
}

/**
 * `sql` runs the catalogue's reads: the pool, or — under an Idempotency-Key — the connection the
 * key's lock holds, so requests waiting on locks can never take every pool connection away from
 * the one that holds them.
 */
async function writeBooking(
  deps: BookingDeps,
  sql: Sql,
  tenant: TenantInfo,
  body: BookingRequest,
  insert: Insert,
): Promise<Written> {
  // `serviceId` picks the catalogue path even when the cached tenant says "no catalogue" yet:
  // its context query knows better, and answers a legacy tenant with a clear 400.
  if (body.serviceId !== undefined) return writeCatalogueBooking(deps, sql, tenant, body, insert);
  if (tenant.hasCatalogue) {
    throw validationFailed([
      {
        field: 'serviceId',
        message:
          'escolha um serviço do catálogo deste negócio (serviceId); o campo service em texto livre não vale aqui',
      },
    ]);
  }
  const written = plan(toBookingInput(body), tenant, new Date());
  await insert(written).catch((e: unknown) => mapInsertError(e, deps, tenant));
  return written;
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
    const { input, bookingId, planned } = await writeBooking(deps, deps.sql, tenant, body, (w) =>
      deps.insertBooking({ tenantId: tenant.id, bookingId: w.bookingId, input: w.input, notifications: w.planned }),
    );
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
    const expiresAt = new Date(Date.now() + deps.idempotencyTtlHours * 3_600_000);
    const { input, bookingId, planned } = await writeBooking(deps, conn, tenant, body, (w) =>
      insertBooking(conn, tenant.id, w.bookingId, w.input, w.planned, {
        key: idempotencyKey,
        requestHash: hash,
        expiresAt,
        responseBody: bookingView(tenant.slug, w.bookingId, 'confirmed', w.input, w.planned),
      }),
    );
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
