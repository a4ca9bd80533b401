import { str, type CleanedEnv } from 'envalid';
import { DEV_ADMIN_TOKEN, DEV_SECRET_KEY, nonNegativeInt, positiveInt, postgresUrl, redisUrl } from './load.ts';
import { redisSpecs, redisTargetFrom } from './redis.ts';

export const commonSpecs = {
  NODE_ENV: str({ choices: ['development', 'test', 'production'] as const, default: 'development' }),
  LOG_LEVEL: str({ choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, default: 'info' }),
  DATABASE_URL: postgresUrl({ devDefault: 'postgres://postgres@127.0.0.1:5432/bora_agendar' }),
  REDIS_URL: redisUrl({ devDefault: 'redis://127.0.0.1:6379' }),
  ...redisSpecs,
  // The braces are a Redis Cluster hash tag: every key of one queue lands in one slot.
  QUEUE_PREFIX: str({ default: '{bora}' }),
  // Notification queues: a stable hash of the tenant picks one (1 keeps the historical key names;
  // with N > 1 shard i's tag is the prefix's tag + `-i`, e.g. {bora-0}…). Change only after a
  // drain (docs/scaling.md, Resharding).
  QUEUE_SHARDS: positiveInt({ default: 1 }),
  // Loopback unless told otherwise: a developer's services (and their publicly known default
  // secrets) stay off the network. Containers and real deployments set HOST=0.0.0.0 explicitly.
  HOST: str({ default: '127.0.0.1' }),
  // Bounds on every Postgres statement and lock wait of the services' pools (0 = none): a stuck
  // query or a locked table fails a request with 503 instead of holding it.
  DB_STATEMENT_TIMEOUT_MS: nonNegativeInt({ default: 15_000 }),
  DB_LOCK_TIMEOUT_MS: nonNegativeInt({ default: 5_000 }),
};

export type CommonConfig = ReturnType<typeof commonFrom>;

export function commonFrom(e: CleanedEnv<typeof commonSpecs>) {
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    /** The single-node URL (`REDIS_URL`); unused in cluster mode. */
    redisUrl: e.REDIS_URL,
    /** One node or a cluster: what `createRedis` opens. */
    redis: redisTargetFrom(e),
    queuePrefix: e.QUEUE_PREFIX,
    queueShards: e.QUEUE_SHARDS,
    host: e.HOST,
    /** For `createDb`: statement and lock-wait bounds of every session (ms, 0 = none). */
    db: { statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS, lockTimeoutMs: e.DB_LOCK_TIMEOUT_MS },
  };
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Production must never run on the secrets that ship for local development. */
export function secretChecks(
  env: string | undefined,
  secrets: { ADMIN_TOKEN?: string; SECRET_KEY?: string },
): Record<string, string> {
  const problems: Record<string, string> = {};
  if (env !== 'production') return problems;
  if (secrets.ADMIN_TOKEN !== undefined) {
    if (secrets.ADMIN_TOKEN === DEV_ADMIN_TOKEN)
      problems.ADMIN_TOKEN = 'is the development default; set a real token in production';
    else if (secrets.ADMIN_TOKEN.length < 24) problems.ADMIN_TOKEN = 'must be at least 24 characters in production';
  }
  if (secrets.SECRET_KEY !== undefined) {
    if (secrets.SECRET_KEY === DEV_SECRET_KEY)
      problems.SECRET_KEY = 'is the development default; set a real key in production';
    else if (secrets.SECRET_KEY.length < 32) problems.SECRET_KEY = 'must be at least 32 characters in production';
  }
  return problems;
}
