import type { RedisTarget } from '@bora/config';
import { createNotificationQueues, type NotificationQueues } from './notifications.ts';
import { createRedis, type RedisClient } from './redis.ts';

export interface Producer {
  redis: RedisClient;
  queues: NotificationQueues;
  /** Closes the queues (safely, see `closeQueue`), then the connection. */
  close(): Promise<void>;
}

/**
 * What an API process enqueues with: one fail-fast `producer` connection (a booking is already
 * safe in Postgres; the sweeper enqueues what Redis refused) and the notification queues of every
 * shard over it.
 */
export function createProducer(
  config: { redis: RedisTarget; queuePrefix: string; queueShards: number },
  onError: (err: Error) => void,
): Producer {
  const redis = createRedis(config.redis, 'producer');
  const queues = createNotificationQueues({
    connection: redis,
    prefix: config.queuePrefix,
    shards: config.queueShards,
    onError,
  });
  return {
    redis,
    queues,
    async close() {
      try {
        await queues.close();
      } finally {
        redis.disconnect();
      }
    },
  };
}
