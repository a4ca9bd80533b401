import { repeatEvery } from '@bora/core';
import type { Cursor, DueRow, Ledger } from '@bora/ledger';
import type { Logger } from '@bora/logger';
import {
  createLeaderLease,
  enqueueNotifications,
  NOTIFICATIONS_QUEUE,
  requeueNotification,
  type NotificationQueues,
  type RedisClient,
} from '@bora/queue';
import type { DispatcherMetrics } from './metrics.ts';

export interface SweeperDeps {
  ledger: Ledger;
  redis: RedisClient;
  /** Every shard: a row goes back to its tenant's. */
  queues: NotificationQueues;
  /** The base prefix (`QUEUE_PREFIX`): the leader lease lives under it. */
  prefix: string;
  logger: Logger;
  metrics: DispatcherMetrics;
  intervalMs: number;
  /** Replica identity for leader election. */
  owner: string;
  /** Rows due within this get their (delayed) job now: reminders wait in Postgres until then. */
  lookaheadMs: number;
  /** Dead letters revived per sweep, and how often one row may be. */
  revive: { maxRevivals: number; horizonMs: number };
  /** Settles unconfirmed sends; runs after the relay, so a slow server lookup never holds it up. */
  reconcile?: () => Promise<unknown>;
  /** Judges each number's health (at its own interval); runs last, its failure only logged. */
  health?: () => Promise<unknown>;
  /** Rows per statement (lease recovery and each page of due rows). */
  batchSize?: number;
  /**
   * Pages of due rows read per sweep. A paced backlog can hold far more due rows (with live jobs)
   * than one page; the relay pages through them by (due_at, id), remembering where it stopped, so
   * a row whose job was lost is found within ⌈due rows / (batchSize × maxPagesPerSweep)⌉ + 1 sweeps.
   */
  maxPagesPerSweep?: number;
}

/** Job sets (sorted by score) whose members are certainly still to run. */
const LIVE_SETS = ['delayed', 'prioritized'] as const;

/**
 * The outbox relay. One leader at a time (a Redis lease) periodically:
 * 1. returns rows stuck in `sending` past their lease to the queue (a dispatcher died mid-send —
 *    each is counted as a possible duplicate);
 * 2. enqueues owed rows due soon whose job is missing (reminders wait in Postgres until shortly
 *    before they are due; Redis was down or flushed; booking-api died between commit and enqueue);
 * 3. revives rows dead-lettered for lack of a sender once one came back;
 * 4. reconciles unconfirmed sends;
 * 5. judges each number's health by its receipts (number safety).
 */
export function createSweeper(deps: SweeperDeps) {
  const { relay } = deps.ledger;
  const batch = deps.batchSize ?? 1000;
  const maxPages = deps.maxPagesPerSweep ?? 10;
  const queueKey = (shard: number) => `${deps.queues.prefixes[shard]}:${NOTIFICATIONS_QUEUE}`;
  // Where the last sweep stopped paging; undefined = start from the most overdue row. Kept in
  // memory: a new leader starting over only repeats work, it never skips rows.
  let cursor: Cursor | undefined;
  const lease = createLeaderLease(deps.redis, {
    key: `${deps.prefix}:sweeper:leader`,
    owner: deps.owner,
    ttlMs: deps.intervalMs * 3,
  });

  async function recoverLeases(): Promise<number> {
    const rows = await relay.recoverLeases(batch);
    for (const row of rows) await requeueNotification(deps.queues, row);
    if (rows.length > 0) {
      deps.metrics.leaseRecoveries.inc(rows.length);
      deps.logger.warn({ count: rows.length }, 'recovered notifications stuck in sending (possible duplicate sends)');
    }
    return rows.length;
  }

  async function enqueueMissing(): Promise<number> {
    let enqueued = 0;
    for (let page = 0; page < maxPages; page++) {
      const rows = await relay.duePage(cursor, batch, deps.lookaheadMs);
      enqueued += await relayPage(rows);
      // A short page is the end of the due rows: the next sweep starts over from the front.
      cursor = rows.length < batch ? undefined : { dueAt: rows.at(-1)!.cursorAt, id: rows.at(-1)!.id };
      if (!cursor) break;
    }
    return enqueued;
  }

  async function relayPage(rows: DueRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    // Per shard, one pipeline (its keys share the shard's hash tag: one slot, one cluster node):
    // is each job hash still in Redis, and for a row long due, is its job delayed (alive, as a
    // paced backlog's jobs are)? Only the others are worth a closer look below.
    const byShard = new Map<number, DueRow[]>();
    for (const row of rows) {
      const shard = deps.queues.shardOf(row.tenantId);
      const list = byShard.get(shard);
      if (list) list.push(row);
      else byShard.set(shard, [row]);
    }
    const missing: DueRow[] = [];
    const doubtful: DueRow[] = [];
    await Promise.all(
      [...byShard].map(async ([shard, list]) => {
        const key = queueKey(shard);
        const pipeline = deps.redis.pipeline();
        for (const row of list) {
          pipeline.exists(`${key}:${row.id}`);
          if (row.stale) for (const set of LIVE_SETS) pipeline.zscore(`${key}:${set}`, row.id);
        }
        const results = ((await pipeline.exec()) ?? []).map(([, value]) => value);
        let i = 0;
        for (const row of list) {
          const exists = Number(results[i++] ?? 0) === 1;
          if (!exists) missing.push(row);
          if (!row.stale) continue;
          const live = LIVE_SETS.map(() => results[i++]).some((score) => score !== null && score !== undefined);
          if (exists && !live) doubtful.push(row);
        }
      }),
    );
    await enqueueNotifications(deps.queues, missing);
    // A row long due whose job still exists may hold a finished job (completed while another
    // replica had the row): requeue replaces finished jobs and leaves live ones alone.
    for (const row of doubtful) await requeueNotification(deps.queues, row);
    if (missing.length > 0) {
      deps.metrics.swept.inc(missing.length);
      deps.logger.info({ count: missing.length }, 'enqueued owed notifications that had no job');
    }
    return missing.length;
  }

  async function revive(): Promise<number> {
    const rows = await relay.revive(batch, deps.revive);
    for (const row of rows) await requeueNotification(deps.queues, row);
    if (rows.length > 0) {
      deps.metrics.revived.inc(rows.length);
      deps.logger.info(
        { count: rows.length },
        'revived notifications that had failed for lack of a sender: one came back',
      );
    }
    return rows.length;
  }

  async function sweepOnce(): Promise<{ leader: boolean; recovered: number; enqueued: number; revived: number }> {
    if (!(await lease.hold())) return { leader: false, recovered: 0, enqueued: 0, revived: 0 };
    const recovered = await recoverLeases();
    const enqueued = await enqueueMissing();
    const revived = await revive();
    await deps.reconcile?.();
    await deps
      .health?.()
      .catch((err: unknown) => deps.logger.warn({ err }, 'number health pass failed; will try again'));
    return { leader: true, recovered, enqueued, revived };
  }

  const repeater = repeatEvery(deps.intervalMs, sweepOnce, (err) =>
    deps.logger.warn({ err }, 'sweep failed; will retry'),
  );

  return {
    sweepOnce,
    start: () => repeater.start(),
    async stop() {
      await repeater.stop();
      await lease.release();
    },
  };
}
