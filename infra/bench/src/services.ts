import type { Child } from './children.ts';
import type { BenchContext } from './context.ts';
import { freePort, waitReady } from './net.ts';

export interface RunningService {
  child: Child;
  url: string;
}

/**
 * Production settings, as an operator would run them: NODE_ENV=production (with non-default
 * secrets), logs at warn (per-request info lines would measure pino and the log pipe, not the
 * service), and the per-IP rate limit lifted because every request comes from one load generator.
 */
function withoutSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { SECRET_KEY: _s, ADMIN_TOKEN: _a, ...rest } = env;
  return rest;
}

function serviceEnv(ctx: BenchContext, queuePrefix: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...withoutSecrets(ctx.inheritedEnv),
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DATABASE_URL: ctx.databaseUrl,
    REDIS_URL: ctx.redisUrl,
    QUEUE_PREFIX: queuePrefix,
    ...extra,
  };
}

/** Each service gets only the secrets it reads. */
const secrets = (ctx: BenchContext, names: readonly ('SECRET_KEY' | 'ADMIN_TOKEN')[]) =>
  Object.fromEntries(names.map((n) => [n, n === 'SECRET_KEY' ? ctx.secretKey : ctx.adminToken]));

async function start(
  ctx: BenchContext,
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  port: number,
  probe = '/healthz',
): Promise<RunningService> {
  const child = ctx.children.start(name, entry, env);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(child, `${url}${probe}`);
  return { child, url };
}

export async function startBookingApi(ctx: BenchContext, name: string, queuePrefix: string): Promise<RunningService> {
  const port = await freePort();
  const env = serviceEnv(ctx, queuePrefix, {
    ...secrets(ctx, ['SECRET_KEY']),
    BOOKING_API_PORT: String(port),
    RATE_LIMIT_PER_MINUTE: '1000000000',
  });
  return start(ctx, name, 'services/booking-api/dist/server.mjs', env, port);
}

/**
 * Pacing and number safety off (the benchmark measures throughput, not WhatsApp's ban-avoidance
 * delays) unless `extra` turns them on (the budgeted dispatch round).
 */
export async function startDispatcher(
  ctx: BenchContext,
  name: string,
  queuePrefix: string,
  concurrency: number,
  extra: Record<string, string> = {},
): Promise<RunningService> {
  const port = await freePort();
  const env = serviceEnv(ctx, queuePrefix, {
    ...secrets(ctx, ['SECRET_KEY']),
    // With NODE_ENV=production loadDispatcherConfig always throws (its secret check reads
    // ADMIN_TOKEN, which envalid's strict proxy refuses: "Env var not found"); reported in
    // BENCHMARKS.md. `test` runs the same code with the same settings otherwise.
    NODE_ENV: 'test',
    DISPATCHER_PORT: String(port),
    DISPATCH_CONCURRENCY: String(concurrency),
    PACING_MIN_INTERVAL_MS: '0',
    PACING_JITTER_MS: '0',
    NUMBER_SAFETY: 'false',
    ...extra,
  });
  return start(ctx, name, 'services/dispatcher/dist/server.mjs', env, port);
}

export async function startAdminApi(
  ctx: BenchContext,
  name: string,
  queuePrefix: string,
  extra: Record<string, string> = {},
): Promise<RunningService> {
  const port = await freePort();
  const env = serviceEnv(ctx, queuePrefix, {
    ...secrets(ctx, ['SECRET_KEY', 'ADMIN_TOKEN']),
    ADMIN_API_PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...extra,
  });
  return start(ctx, name, 'services/admin-api/dist/server.mjs', env, port);
}

/** The bare Fastify + postgres.js server (baseline for intake and for stats' `select 1`). */
export async function startBareServer(ctx: BenchContext, name: string, tenantId: string): Promise<RunningService> {
  const port = await freePort();
  const env = {
    ...ctx.inheritedEnv,
    BARE_PORT: String(port),
    BARE_DATABASE_URL: ctx.databaseUrl,
    BARE_TENANT_ID: tenantId,
  };
  return start(ctx, name, 'infra/bench/dist/bare-server.mjs', env, port, '/select-1');
}

export interface BareWorkerOptions {
  queuePrefix: string;
  concurrency: number;
  targets: { url: string; apiKey: string; instance: string }[];
}

/** The bare BullMQ worker (baseline for dispatch): one HTTP POST per job, nothing else. */
export async function startBareWorker(
  ctx: BenchContext,
  name: string,
  options: BareWorkerOptions,
): Promise<RunningService> {
  const port = await freePort();
  const env = {
    ...ctx.inheritedEnv,
    BARE_PORT: String(port),
    BARE_REDIS_URL: ctx.redisUrl,
    BARE_QUEUE_PREFIX: options.queuePrefix,
    BARE_CONCURRENCY: String(options.concurrency),
    BARE_TARGETS: JSON.stringify(options.targets),
  };
  return start(ctx, name, 'infra/bench/dist/bare-worker.mjs', env, port, '/ready');
}
