import type { BookingApiConfig } from '@bora/config';
import { canWrite, type DbHandle } from '@bora/db';
import {
  type AnyFastify,
  createMetricsRegistry,
  frameworkErrors,
  registerDocs,
  registerErrorHandling,
  registerHealthRoutes,
  registerMetricsRoute,
  SERVER_TIMEOUTS,
} from '@bora/http';
import type { Logger } from '@bora/logger';
import { pingRedis, type NotificationQueues, type RedisClient } from '@bora/queue';
import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyRequest } from 'fastify';
import { bookingRoutes } from './bookings/booking-routes.ts';
import type { BookingDeps } from './bookings/create-booking.ts';
import { createEnqueuer } from './bookings/enqueuer.ts';
import { createGroupInserter } from './bookings/group-insert.ts';
import { createBookingLimiter } from './bookings/limits.ts';
import { registerIdempotencyJanitor } from './plugins/idempotency-janitor.ts';
import { registerProtection } from './plugins/protection.ts';
import { manageRoutes } from './manage/manage-routes.ts';
import { siteRoutes } from './site/site-routes.ts';
import { slotRoutes } from './slots/routes.ts';
import { createTenantCache } from './tenants/tenant-cache.ts';
import { tenantRoutes } from './tenants/tenant-routes.ts';

export interface BookingApiDeps {
  config: BookingApiConfig;
  logger: Logger;
  db: DbHandle;
  redis: RedisClient;
  /** The notification queues (every shard): `createNotificationQueues`. */
  queues: NotificationQueues;
}

/** Request log lines show the URL; a manage link's token is a key to someone's booking. */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: request.url.replace(/\/gerenciar\/[^/?#]+/, '/gerenciar/[redacted]'),
    remoteAddress: request.ip,
  };
}

/** Bound of the readiness write probe (lock_timeout and statement_timeout), inside /readyz's own 2 s. */
const WRITE_PROBE_TIMEOUT_MS = 1_000;

/** The booking-api as a value: routes and plugins, no listening, no process handling. */
export async function buildApp(deps: BookingApiDeps): Promise<AnyFastify> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: deps.logger.child({}, { serializers: { req: serializeRequest } }),
    bodyLimit: 16 * 1024,
    // Believe X-Forwarded-For only for the configured number of hops (proxy-addr semantics).
    trustProxy: (_address: string, hop: number) => hop < config.trustProxyHops,
    requestIdHeader: 'x-request-id',
    ...SERVER_TIMEOUTS,
    frameworkErrors,
    // Report every bad field at once (a form shows them all), and refuse unknown fields
    // instead of silently dropping them, so a typo like `startAt` is an error, not a default.
    ajv: { customOptions: { allErrors: true, removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerErrorHandling(app);
  await registerDocs(app, {
    title: 'Bora Agendar — booking-api',
    description: 'Agendamentos públicos e o mini-site de cada negócio.',
  });
  registerHealthRoutes(app, {
    postgres: () => deps.db.sql`select 1`,
    // The tables this service writes, locked as a write would within 1 s, then rolled back.
    postgresWrite: () =>
      canWrite(deps.db.sql, ['bookings', 'notifications', 'idempotency_keys'], WRITE_PROBE_TIMEOUT_MS),
    redis: () => pingRedis(deps.redis),
  });
  registerMetricsRoute(app, createMetricsRegistry('booking-api'));

  const sql = deps.db.sql;
  const tenants = createTenantCache(sql, { ttlMs: config.tenantCacheTtlMs });
  const bookingDeps: BookingDeps = {
    sql,
    tenants,
    insertBooking: createGroupInserter(sql),
    limiter: createBookingLimiter(),
    enqueuer: createEnqueuer({
      queues: deps.queues,
      redis: deps.redis,
      timeoutMs: config.enqueueTimeoutMs,
      logger: deps.logger,
    }),
    logger: deps.logger,
    idempotencyTtlHours: config.idempotencyTtlHours,
  };

  registerIdempotencyJanitor(app, sql);

  // The public surface, encapsulated so its headers, rate limit and form parser stay off
  // health, metrics and docs.
  await app.register(async (pub) => {
    await registerProtection(pub, { perMinute: config.rateLimitPerMinute });
    await pub.register(formbody);
    await pub.register(tenantRoutes, { tenants, sql });
    await pub.register(slotRoutes, { tenants, sql });
    await pub.register(bookingRoutes, { deps: bookingDeps });
    await pub.register(siteRoutes, { deps: bookingDeps, secretKey: config.secretKey });
    await pub.register(manageRoutes, { deps: bookingDeps, secretKey: config.secretKey });
  });
  return app;
}
