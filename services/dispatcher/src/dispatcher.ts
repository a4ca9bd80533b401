import { randomUUID } from 'node:crypto';
import type { DispatcherConfig } from '@bora/config';
import type { DbHandle } from '@bora/db';
import { createMetricsRegistry } from '@bora/http';
import type { Logger } from '@bora/logger';
import { createNotificationsQueue, NOTIFICATIONS_QUEUE, type NotificationJob } from '@bora/queue';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { createCircuitBreaker } from './circuit.ts';
import { createClientPool } from './clients.ts';
import { createFleet } from './fleet.ts';
import { createLedger } from './ledger.ts';
import { createDispatcherMetrics } from './metrics.ts';
import { createPacer } from './pacing.ts';
import { createProcessor } from './process.ts';
import { createSweeper } from './sweeper.ts';

export interface DispatcherDeps {
  config: DispatcherConfig;
  logger: Logger;
  db: DbHandle;
  /** Commands (pacing, circuits, sweeper); the worker opens its own blocking connection from it. */
  redis: Redis;
  registry?: Registry;
  random?: () => number;
}

/**
 * The dispatcher as a value: fleet snapshot, worker, sweeper. `start()` begins taking jobs;
 * `close()` stops intake, lets in-flight sends finish (the worker waits for active jobs), then
 * stops the sweeper and releases connections. The caller bounds it with a deadline.
 */
export function createDispatcher(deps: DispatcherDeps) {
  const { config, logger } = deps;
  const prefix = config.queuePrefix;
  const registry = deps.registry ?? createMetricsRegistry('dispatcher');
  const queue = createNotificationsQueue({
    connection: deps.redis,
    prefix,
    onError: (err) => logger.warn({ err }, 'queue connection error'),
  });
  const metrics = createDispatcherMetrics(registry, () => queue.getJobCounts('waiting', 'delayed', 'active', 'failed', 'completed'));
  const fleet = createFleet({ db: deps.db, secretKey: config.secretKey, logger, ttlMs: config.fleetTtlMs });
  const clients = createClientPool(config.sendTimeoutMs);
  const ledger = createLedger(deps.db, config.sendingLeaseMs);
  const processor = createProcessor({
    ledger,
    fleet,
    clients,
    pacer: createPacer(deps.redis, prefix, config.pacing, deps.random),
    circuit: createCircuitBreaker(deps.redis, prefix, config.circuit),
    metrics,
    logger,
    retry: config.retry,
    maxInlinePaceWaitMs: config.pacing.minIntervalMs + config.pacing.jitterMs,
    leaseMs: config.sendingLeaseMs,
    random: deps.random,
  });
  const sweeper = createSweeper({
    db: deps.db,
    redis: deps.redis,
    queue,
    prefix,
    logger,
    metrics,
    intervalMs: config.sweepIntervalMs,
    owner: randomUUID(),
  });
  const stallMs = Math.min(30_000, Math.max(1_000, config.sendingLeaseMs));
  let worker: Worker<NotificationJob> | undefined;
  let workerConnection: Redis | undefined;

  return {
    registry,
    queue,
    fleet,
    sweeper,
    async start(): Promise<void> {
      await fleet.start();
      workerConnection = deps.redis.duplicate({ maxRetriesPerRequest: null });
      workerConnection.on('error', () => {});
      worker = new Worker<NotificationJob>(NOTIFICATIONS_QUEUE, processor, {
        connection: workerConnection,
        prefix,
        concurrency: config.concurrency,
        autorun: true,
        // A crashed replica's active jobs return only once BullMQ sees their lock expire: tie that
        // to the sending lease, or a crash holds its messages for BullMQ's fixed 30 s + 30 s.
        lockDuration: stallMs,
        stalledInterval: stallMs,
        // Re-running a stalled job is safe (the claim is guarded); a low limit would only turn
        // jobs caught by two crashes into dead jobs that wait minutes for the sweeper.
        maxStalledCount: 100,
      });
      worker.on('error', (err) => logger.warn({ err }, 'worker connection error'));
      worker.on('failed', (job, err) => {
        if (job && job.finishedOn) logger.warn({ notificationId: job.data.notificationId, reason: err.message }, 'job failed (dead letter)');
      });
      sweeper.start();
      logger.info({ concurrency: config.concurrency, prefix }, 'dispatcher started');
    },
    async close(): Promise<void> {
      // Intake first: the worker stops fetching and waits for the sends already in flight.
      await worker?.close();
      await sweeper.stop();
      await fleet.close();
      clients.close();
      await queue.close();
      workerConnection?.disconnect();
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
