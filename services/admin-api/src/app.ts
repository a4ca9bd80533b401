import type { AdminApiConfig } from '@bora/config';
import type { DbHandle } from '@bora/db';
import { type AnyFastify, createMetricsRegistry, registerDocs, registerErrorHandling, registerHealthRoutes, registerMetricsRoute } from '@bora/http';
import type { Logger } from '@bora/logger';
import { pingRedis, type NotificationJob } from '@bora/queue';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Queue } from 'bullmq';
import Fastify from 'fastify';
import type { Redis } from 'ioredis';

export interface AdminApiDeps {
  config: AdminApiConfig;
  logger: Logger;
  db: DbHandle;
  redis: Redis;
  queue: Queue<NotificationJob>;
}

/** The admin-api as a value: routes and plugins, no listening, no process handling. */
export async function buildApp(deps: AdminApiDeps): Promise<AnyFastify> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: 256 * 1024,
    trustProxy: true,
    requestIdHeader: 'x-request-id',
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerErrorHandling(app);
  await registerDocs(app, {
    title: 'Bora Agendar — admin-api',
    description: 'Frota de Evolution APIs, WhatsApps, negócios, estatísticas, envios manuais e webhooks.',
    bearerAuth: true,
  });
  registerHealthRoutes(app, {
    postgres: () => deps.db.sql`select 1`,
    redis: () => pingRedis(deps.redis),
  });
  registerMetricsRoute(app, createMetricsRegistry('admin-api'));
  return app;
}
