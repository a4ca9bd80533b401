import { canWrite } from '@bora/db';
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
import { pingRedis } from '@bora/queue';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyRequest } from 'fastify';
import { catalogueRoutes } from './catalogue/routes.ts';
import type { AdminApiDeps } from './deps.ts';
import { createLoginThrottle } from './auth/login-throttle.ts';
import { authPlugin } from './auth/plugin.ts';
import { healthPollerPlugin } from './evolution-apis/health-poller.ts';
import { inboundBackstopPlugin } from './conversation/backstop-plugin.ts';
import { adminPageRoutes } from './fleet-page/routes.ts';
import { bookingRoutes } from './bookings/routes.ts';
import { evolutionApiCheckRoutes } from './evolution-apis/check-routes.ts';
import { evolutionApiRoutes } from './evolution-apis/routes.ts';
import { inboxRoutes } from './conversation/inbox-routes.ts';
import { loginRoutes } from './auth/login-routes.ts';
import { messageRoutes } from './notifications/message-routes.ts';
import { notificationRoutes } from './notifications/routes.ts';
import { relinkRoutes } from './relink/routes.ts';
import { createRelinkAlerts } from './relink/alert.ts';
import { queueBoardRoutes } from './fleet-page/queues-board.ts';
import { statsRoutes } from './stats/routes.ts';
import { tenantAdminRoutes } from './tenants/routes.ts';
import { webhookRoutes } from './webhooks/routes.ts';
import { whatsappInstanceCreateRoutes } from './whatsapp-instances/create-routes.ts';
import { whatsappInstanceQrRoutes } from './whatsapp-instances/qr-routes.ts';
import { whatsappInstanceRoutes } from './whatsapp-instances/routes.ts';

export type { AdminApiDeps } from './deps.ts';

/** Request log lines show the URL; webhook URLs may carry `?secret=` (operators paste them). */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: request.url.replace(/([?&](?:secret|token|apikey)=)[^&]*/gi, '$1[redacted]'),
    remoteAddress: request.ip,
  };
}

/** Bound of the readiness write probe (lock_timeout and statement_timeout), inside /readyz's own 2 s. */
const WRITE_PROBE_TIMEOUT_MS = 1_000;

/** The admin-api as a value: routes and plugins, no listening, no process handling. */
export async function buildApp(deps: AdminApiDeps): Promise<AnyFastify> {
  const { trustProxyHops } = deps.config;
  const app = Fastify({
    loggerInstance: deps.logger.child({}, { serializers: { req: serializeRequest } }),
    bodyLimit: 256 * 1024,
    // Believe X-Forwarded-For only for TRUST_PROXY_HOPS hops (proxy-addr semantics; default 0):
    // request.ip keys the failed-login budget, so trusting any header would let a client rotate it.
    trustProxy: (_address: string, hop: number) => hop < trustProxyHops,
    requestIdHeader: 'x-request-id',
    ...SERVER_TIMEOUTS,
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerErrorHandling(app);
  await registerDocs(app, {
    title: 'Bora Agendar — admin-api',
    description: 'Frota de Evolution APIs, WhatsApps, negócios, estatísticas, envios manuais e webhooks.',
    bearerAuth: true,
  });
  registerHealthRoutes(app, {
    postgres: () => deps.db.sql`select 1`,
    // The tables this service writes, locked as a write would within 1 s, then rolled back.
    postgresWrite: () =>
      canWrite(deps.db.sql, ['notifications', 'whatsapp_instances', 'evolution_apis'], WRITE_PROBE_TIMEOUT_MS),
    redis: () => pingRedis(deps.redis),
  });
  registerMetricsRoute(app, createMetricsRegistry('admin-api'));

  const { adminToken, secretKey } = deps.config;
  const throttle = createLoginThrottle(deps.redis, {
    prefix: deps.config.queuePrefix,
    maxPerMinute: deps.config.loginAttemptsPerMinute,
  });
  await app.register(authPlugin, { adminToken, secretKey, publicUrl: deps.config.publicUrl, throttle });
  if (deps.healthPoll) {
    const relink = createRelinkAlerts({
      sql: deps.db.sql,
      config: deps.config,
      queues: deps.queues,
      logger: deps.logger,
    });
    await app.register(healthPollerPlugin, {
      db: deps.db,
      config: deps.config,
      logger: deps.logger,
      intervalMs: deps.config.healthPollIntervalMs,
      relink,
    });
    await app.register(inboundBackstopPlugin, { deps, intervalMs: deps.config.inboundBackstopIntervalMs });
  }

  await app.register(loginRoutes, {
    adminToken,
    secretKey,
    throttle,
    publicUrl: deps.config.publicUrl,
    cookieSecure: deps.config.cookieSecure,
  });
  await app.register(tenantAdminRoutes, { deps });
  await app.register(catalogueRoutes, { prefix: '/v1/tenants/:slug', db: deps.db.db });
  await app.register(evolutionApiRoutes, { deps });
  await app.register(evolutionApiCheckRoutes, { deps });
  await app.register(whatsappInstanceCreateRoutes, { deps });
  await app.register(whatsappInstanceRoutes, { deps });
  await app.register(whatsappInstanceQrRoutes, { deps });
  await app.register(statsRoutes, { deps });
  await app.register(messageRoutes, { deps });
  await app.register(notificationRoutes, { deps });
  await app.register(bookingRoutes, { deps });
  await app.register(inboxRoutes, { deps });
  await app.register(webhookRoutes, { deps });
  await app.register(adminPageRoutes);
  await app.register(relinkRoutes, { deps, prefix: '/relink' });
  await app.register(queueBoardRoutes, { deps });
  return app;
}
