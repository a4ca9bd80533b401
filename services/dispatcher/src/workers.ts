import type { Logger } from '@bora/logger';
import {
  duplicateRedis,
  NOTIFICATIONS_QUEUE,
  type NotificationJob,
  type NotificationQueues,
  type RedisClient,
} from '@bora/queue';
import { Worker, type Processor } from 'bullmq';

export interface ShardWorkersOptions {
  redis: RedisClient;
  queues: NotificationQueues;
  /** Shard indexes to consume (`QUEUE_SHARDS_CONSUMED`). */
  shards: readonly number[];
  processor: Processor<NotificationJob>;
  /** DISPATCH_CONCURRENCY, split over the consumed shards (at least 1 each). */
  concurrency: number;
  /** BullMQ lock and stalled-check period (tied to the sending lease). */
  stallMs: number;
  logger: Logger;
}

/**
 * One BullMQ worker per consumed shard, all running the same processor, over one connection for
 * their commands (BullMQ opens each worker's blocking connection from it, so on a cluster those
 * are cluster clients too). Splitting the concurrency keeps a replica's sends in flight about the
 * same whatever the shard count.
 */
export function startShardWorkers(options: ShardWorkersOptions) {
  const connection = duplicateRedis(options.redis, 'worker');
  const perWorker = Math.max(1, Math.ceil(options.concurrency / options.shards.length));
  const workers = options.shards.map((shard) => {
    const worker = new Worker<NotificationJob>(NOTIFICATIONS_QUEUE, options.processor, {
      connection,
      prefix: options.queues.prefixes[shard]!,
      concurrency: perWorker,
      autorun: true,
      // A crashed replica's active jobs return only once BullMQ sees their lock expire: tie that
      // to the sending lease, or a crash holds its messages for BullMQ's fixed 30 s + 30 s.
      lockDuration: options.stallMs,
      stalledInterval: options.stallMs,
      // Re-running a stalled job is safe (the claim is guarded); a low limit would only turn
      // jobs caught by two crashes into dead jobs that wait minutes for the sweeper.
      maxStalledCount: 100,
    });
    worker.on('error', (err) => options.logger.warn({ err, shard }, 'worker connection error'));
    worker.on('failed', (job, err) => {
      if (job && job.finishedOn)
        options.logger.warn(
          { notificationId: job.data.notificationId, reason: err.message },
          'job failed (dead letter)',
        );
    });
    return worker;
  });
  return {
    /** Stops fetching and waits for the jobs in flight, then drops the connection. */
    async close(): Promise<void> {
      await Promise.all(workers.map((w) => w.close()));
      connection.disconnect();
    },
  };
}
