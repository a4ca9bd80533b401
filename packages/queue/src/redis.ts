import { Redis, type RedisOptions } from 'ioredis';

/**
 * Redis connections by role. A producer (booking-api, admin-api) must fail fast when Redis is
 * down — the booking is already safe in Postgres and the sweeper will enqueue it — so it keeps no
 * offline queue and gives up quickly. A worker (BullMQ requires it) retries forever.
 */
export function createRedis(url: string, role: 'producer' | 'worker', extra: RedisOptions = {}): Redis {
  const base: RedisOptions =
    role === 'producer'
      ? {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 2_000,
          commandTimeout: 2_000,
          retryStrategy: (times) => Math.min(times * 200, 2_000),
        }
      : {
          maxRetriesPerRequest: null,
          connectTimeout: 5_000,
          retryStrategy: (times) => Math.min(times * 200, 2_000),
        };
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
