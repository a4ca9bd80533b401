import type { DispatcherConfig } from '@bora/config';
import { canWrite, type DbHandle } from '@bora/db';
import {
  type AnyFastify,
  createMetricsRegistry,
  frameworkErrors,
  registerErrorHandling,
  registerHealthRoutes,
  registerMetricsRoute,
} from '@bora/http';
import type { Logger } from '@bora/logger';
import { pingRedis, type RedisClient } from '@bora/queue';
import Fastify, { LogController } from 'fastify';
import type { Registry } from 'prom-client';

export interface DispatcherAppDeps {
  config: DispatcherConfig;
  logger: Logger;
  db: DbHandle;
  redis: RedisClient;
  metrics?: Registry;
}

/** The dispatcher's small HTTP face: health, readiness and Prometheus metrics. */
export async function buildApp(deps: DispatcherAppDeps): Promise<AnyFastify> {
  const app = Fastify({
    loggerInstance: deps.logger,
    frameworkErrors,
    logController: new LogController({ disableRequestLogging: true }),
  });
  registerErrorHandling(app);
  registerHealthRoutes(app, {
    postgres: () => deps.db.sql`select 1`,
    // Can it write what it writes, within a bound? (A locked table or a read-only database fails it.)
    postgresWrite: () => canWrite(deps.db.sql, ['notifications', 'delivery_attempts'], 1_000),
    redis: () => pingRedis(deps.redis),
  });
  registerMetricsRoute(app, deps.metrics ?? createMetricsRegistry('dispatcher'));
  return app;
}
