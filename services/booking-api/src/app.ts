import type { BookingApiConfig } from '@bora/config';
import type { DbHandle } from '@bora/db';
import { type AnyFastify, createMetricsRegistry, registerDocs, registerErrorHandling, registerHealthRoutes, registerMetricsRoute } from '@bora/http';
import type { Logger } from '@bora/logger';
import { pingRedis, type NotificationJob } from '@bora/queue';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Queue } from 'bullmq';
import Fastify from 'fastify';
import type { Redis } from 'ioredis';

export interface BookingApiDeps {
  config: BookingApiConfig;
  logger: Logger;
  db: DbHandle;
  redis: Redis;
  queue: Queue<NotificationJob>;
}

/** The booking-api as a value: routes and plugins, no listening, no process handling. */
export async function buildApp(deps: BookingApiDeps): Promise<AnyFastify> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: 16 * 1024,
    trustProxy: true,
    requestIdHeader: 'x-request-id',
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerErrorHandling(app);
  await registerDocs(app, {
    title: 'Bora Agendar — booking-api',
    description: 'Agendamentos públicos e o mini-site de cada negócio.',
  });
  registerHealthRoutes(app, {
    postgres: () => deps.db.sql`select 1`,
    redis: () => pingRedis(deps.redis),
  });
  registerMetricsRoute(app, createMetricsRegistry('booking-api'));
  return app;
}
