import { createBatcher, DeadlineError, withDeadline } from '@bora/core';
import type { Logger } from '@bora/logger';
import {
  enqueueNotifications,
  removeNotificationJob,
  type DueNotification,
  type NotificationQueues,
  type RedisClient,
} from '@bora/queue';

export interface Enqueuer {
  /**
   * Adds the pointer jobs, waiting at most the configured deadline. Resolves true when Redis
   * took them in time, false otherwise; never rejects, never hangs. The tenant picks the queue
   * shard (one tenant's messages stay in order in one shard).
   */
  enqueue(tenantId: string, items: readonly { id: string; dueAt: Date }[]): Promise<boolean>;
  /**
   * Best-effort removal of waiting/delayed jobs (a cancelled reminder), bounded by the same
   * deadline. The row is already `cancelled`, and the dispatcher re-reads rows before sending,
   * so a job left behind is skipped rather than sent.
   */
  remove(tenantId: string, ids: readonly string[]): Promise<void>;
}

/** ioredis states in which the producer client is known to be cut off from Redis. */
const DOWN = new Set(['reconnecting', 'close', 'end']);

/**
 * The rows are already committed when this runs, so a failed or slow enqueue costs nothing but
 * latency: they stay `pending` and the dispatcher's sweeper enqueues them. Hence a short,
 * hard deadline instead of waiting for a Redis that may be down (BullMQ would wait for it to
 * come back before even trying).
 */
export function createEnqueuer(deps: {
  queues: NotificationQueues;
  redis: Pick<RedisClient, 'status'>;
  timeoutMs: number;
  logger: Logger;
}): Enqueuer {
  const { queues, redis, timeoutMs, logger } = deps;
  // Concurrent bookings share one addBulk (one Redis pipeline) instead of one each.
  // A failure is logged once per batch, not once per booking in it.
  const addBatched = createBatcher<readonly DueNotification[], void>(async (groups) => {
    const items = groups.flat();
    try {
      await enqueueNotifications(queues, items);
    } catch (err) {
      logger.warn({ err, notifications: items.length }, 'enqueue failed; rows stay pending for the sweeper');
      throw err;
    }
    return groups.map(() => undefined);
  });
  return {
    async enqueue(tenantId, rows) {
      if (rows.length === 0) return true;
      const items = rows.map((row) => ({ id: row.id, tenantId, dueAt: row.dueAt }));
      // During an outage, skip straight to "pending" instead of paying the deadline per booking.
      if (DOWN.has(redis.status)) return false;
      return withDeadline(addBatched(items), timeoutMs, 'enqueue').then(
        () => true,
        (err: unknown) => {
          if (err instanceof DeadlineError)
            logger.warn({ timeoutMs }, 'enqueue timed out; the sweeper will enqueue these rows');
          return false;
        },
      );
    },
    async remove(tenantId, ids) {
      if (DOWN.has(redis.status)) return;
      const removing = Promise.all(ids.map((id) => removeNotificationJob(queues, { id, tenantId }))).then(
        () => undefined,
        (err: unknown) => logger.warn({ err }, 'could not remove jobs; the dispatcher will skip their cancelled rows'),
      );
      await withDeadline(removing, timeoutMs, 'job removal').catch(() =>
        logger.warn({ timeoutMs }, 'job removal timed out'),
      );
    },
  };
}
