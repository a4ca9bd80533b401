import { randomUUID } from 'node:crypto';
import type { DispatcherConfig } from '@bora/config';
import type { DbHandle } from '@bora/db';
import { createMetricsRegistry } from '@bora/http';
import type { Logger } from '@bora/logger';
import { manageLinkExpiry, manageUrl, signManageToken } from '@bora/bookings';
import { createLedger } from '@bora/ledger';
import { createNotificationQueues, ENQUEUE_LOOKAHEAD_MS, requeueNotification, type RedisClient } from '@bora/queue';
import type { Registry } from 'prom-client';
import { createCircuitBreaker } from './circuit.ts';
import { createClientPool } from './clients.ts';
import { createFleet } from './fleet-snapshot.ts';
import { createMaintenance } from './maintenance/job.ts';
import { createDispatcherMetrics } from './metrics.ts';
import { createHealthPass } from './number-health/pass.ts';
import { budgetUnits } from './number-safety/budget.ts';
import { createContactBook } from './number-safety/contacts.ts';
import { createMessageSafety } from './number-safety/message-safety.ts';
import { createPacer } from './pacing.ts';
import { createProcessor } from './process.ts';
import { createReconciler } from './reconciler.ts';
import { createSweeper } from './sweeper.ts';
import { startShardWorkers } from './workers.ts';

/** A reconciliation lookup is one small query: a server slower than this is asked again later. */
const LOOKUP_TIMEOUT_MS = 5_000;
/** A batch of claims or send records that takes longer is stuck: cancelled, its jobs retry. */
const LEDGER_STATEMENT_DEADLINE_MS = 5_000;

export interface DispatcherDeps {
  config: DispatcherConfig;
  logger: Logger;
  db: DbHandle;
  /**
   * Commands (pacing, circuits, sweeper), opened with `createRedis(config.redis, 'commands')` (one
   * node or a cluster): every command bounded. The workers open their own connection from it,
   * with the blocking role's options.
   */
  redis: RedisClient;
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
  // Every shard's queue (producing: sweeper and reconciler requeue to a row's tenant's shard);
  // workers consume only `config.shardsConsumed`.
  const queues = createNotificationQueues({
    connection: deps.redis,
    prefix,
    shards: config.queueShards,
    onError: (err) => logger.warn({ err }, 'queue connection error'),
  });
  const metrics = createDispatcherMetrics(registry, () =>
    queues.getJobCounts('waiting', 'delayed', 'active', 'failed', 'completed'),
  );
  const fleet = createFleet({ db: deps.db, secretKey: config.secretKey, logger, ttlMs: config.fleetTtlMs });
  const clients = createClientPool(config.sendTimeoutMs);
  const lookupClients = createClientPool(LOOKUP_TIMEOUT_MS);
  const ledger = createLedger(deps.db, {
    leaseMs: config.sendingLeaseMs,
    maxAttempts: config.retry.maxAttempts,
    horizonMs: config.messageHorizonMs,
    // The worker's concurrent jobs share the claim and the record of a send: one statement of each
    // kind per batch, bounded (a stuck one is cancelled and fails its batch, its jobs retry). One of
    // each kind in flight makes the biggest batches and the best throughput (2 or 3 always in flight
    // measured lower), so a second and third lane open only beside statements slower than 250 ms.
    batching: { maxBatch: 64, inFlight: 3, spareAfterMs: 250, deadlineMs: LEDGER_STATEMENT_DEADLINE_MS },
  });
  const circuit = createCircuitBreaker(deps.redis, prefix, {
    ...config.circuit,
    probeMs: config.sendTimeoutMs + 5_000,
  });
  const { safety } = config;
  if (!safety.enabled)
    logger.warn(
      'NUMBER_SAFETY is off: no send budgets, warm-up, new-contact budget, typing delay or health-based routing',
    );
  const processor = createProcessor({
    ledger,
    fleet,
    clients,
    pacer: createPacer(deps.redis, prefix, config.pacing, deps.random),
    safety: createMessageSafety({ config: safety, contacts: createContactBook(deps.db.sql), fleet }),
    // A degraded number (flapping, just restarted) loses even to another number's later slot
    // when it is the sticky one: its penalty outweighs stickiness.
    waits: {
      stickyWaitMs: safety.routing.stickyWaitMs,
      sharedWaitMs: safety.routing.sharedWaitMs,
      degradedWaitMs: safety.routing.stickyWaitMs + safety.routing.sharedWaitMs,
    },
    circuit,
    metrics,
    logger,
    retry: config.retry,
    senderWaitMaxMs: config.senderWaitMaxMs,
    reconcileAfterMs: Math.min(5_000, Math.round(config.unconfirmedWindowMs / 4)),
    maxInlinePaceWaitMs: config.pacing.minIntervalMs + config.pacing.jitterMs,
    reserveHorizonMs: Math.max(
      budgetUnits(safety.timeScale).minuteMs,
      10 * (config.pacing.minIntervalMs + config.pacing.jitterMs),
    ),
    leaseMs: config.sendingLeaseMs,
    serverMaxInFlight: config.serverMaxInFlight,
    manageLink: (slug, booking) =>
      manageUrl(
        config.bookingPublicUrl,
        slug,
        signManageToken(config.secretKey, booking.id, manageLinkExpiry(booking.endsAt)),
      ),
    random: deps.random,
  });
  const reconciler = createReconciler({
    ledger,
    fleet,
    clients: lookupClients,
    metrics,
    logger,
    windowMs: config.unconfirmedWindowMs,
    requeue: (row) => requeueNotification(queues, row),
    unreachable: async () => {
      const { open, halfOpen } = await circuit.state();
      return new Set([...open, ...halfOpen]);
    },
  });
  const healthPass = createHealthPass({
    sql: deps.db.sql,
    redis: deps.redis,
    prefix,
    fleet,
    clients: lookupClients,
    config: safety,
    logger,
  });
  const sweeper = createSweeper({
    ledger,
    redis: deps.redis,
    queues,
    prefix,
    logger,
    metrics,
    intervalMs: config.sweepIntervalMs,
    owner: randomUUID(),
    lookaheadMs: Math.max(ENQUEUE_LOOKAHEAD_MS, config.sweepIntervalMs * 3),
    revive: { maxRevivals: config.maxRevivals, horizonMs: config.messageHorizonMs },
    reconcile: () => reconciler.runOnce(),
    health: safety.enabled ? () => healthPass.maybeRun() : undefined,
  });
  const maintenance = createMaintenance({
    sql: deps.db.sql,
    ledger,
    redis: deps.redis,
    prefix,
    logger,
    registry,
    owner: randomUUID(),
    intervalMs: config.maintenance.intervalMs,
    monthsAhead: config.maintenance.partitionMonthsAhead,
    batchSize: config.maintenance.batchSize,
    retentionDays: config.maintenance.retentionDays,
  });
  const stallMs = Math.min(30_000, Math.max(1_000, config.sendingLeaseMs));
  let workers: ReturnType<typeof startShardWorkers> | undefined;

  return {
    registry,
    queues,
    ledger,
    fleet,
    sweeper,
    maintenance,
    healthPass,
    async start(): Promise<void> {
      await fleet.start();
      workers = startShardWorkers({
        redis: deps.redis,
        queues,
        shards: config.shardsConsumed,
        processor,
        concurrency: config.concurrency,
        stallMs,
        logger,
      });
      sweeper.start();
      maintenance.start();
      logger.info(
        { concurrency: config.concurrency, prefix, shards: config.queueShards, consumed: config.shardsConsumed },
        'dispatcher started',
      );
    },
    async close(): Promise<void> {
      // Intake first: the worker stops fetching and waits for the sends already in flight.
      await workers?.close();
      await sweeper.stop();
      await maintenance.stop();
      await fleet.close();
      clients.close();
      lookupClients.close();
      await queues.close();
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
