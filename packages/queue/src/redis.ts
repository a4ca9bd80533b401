import { Redis, type RedisOptions } from 'ioredis';

/**
 * Redis connections by role. A producer (booking-api, admin-api) must fail fast when Redis is
 * down — the booking is already safe in Postgres and the sweeper will enqueue it — so it keeps no
 * offline queue and gives up quickly. `commands` (the dispatcher's pacing, circuits, sweeper) rides
 * out a reconnect but never waits on a frozen Redis past its command timeout. A worker's blocking
 * connection (BullMQ requires it) retries forever and has no command timeout (its BZPOPMIN blocks).
 */
export type RedisRole = 'producer' | 'commands' | 'worker';

// Every key set for every role, so a `duplicate(redisRoleOptions(x))` of another role's client
// takes nothing of that role with it.
const ROLES: Record<RedisRole, Pick<RedisOptions, 'enableOfflineQueue' | 'maxRetriesPerRequest' | 'connectTimeout' | 'commandTimeout'>> = {
  producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 2_000 },
  commands: { enableOfflineQueue: true, maxRetriesPerRequest: 2, connectTimeout: 5_000, commandTimeout: 3_000 },
  worker: { enableOfflineQueue: true, maxRetriesPerRequest: null, connectTimeout: 5_000, commandTimeout: undefined },
};

/** Options a role's connection is opened with (a duplicate for another role passes these). */
export function redisRoleOptions(role: RedisRole): RedisOptions {
  return { ...ROLES[role], retryStrategy: (times) => Math.min(times * 200, 2_000) };
}

export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const base = redisRoleOptions(role);
  const redis = new Redis(url, { ...base, ...extra });
  // ioredis emits 'error' on every failed reconnect; readiness checks and logs report outages.
  redis.on('error', () => {});
  return redis;
}

/**
 * PING that tolerates a client still (re)connecting: a fail-fast producer refuses commands until
 * it is ready, so wait briefly for readiness instead of reporting a healthy Redis as down.
 */
export async function pingRedis(redis: Redis, waitMs = 1_500): Promise<string> {
  if (redis.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        redis.off('ready', onReady);
        reject(new Error(`Redis not reachable (${redis.status})`));
      }, waitMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      redis.once('ready', onReady);
    });
  }
  return redis.ping();
}

/** One-shot probe: does a Redis server answer PING at `url`? (start-up checks, test discovery) */
export async function redisAnswers(url: string, timeoutMs = 3_000): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}
