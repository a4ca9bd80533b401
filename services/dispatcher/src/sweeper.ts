import type { DbHandle } from '@bora/db';
import type { Logger } from '@bora/logger';
import { enqueueNotifications, NOTIFICATIONS_QUEUE, requeueNotification, type NotificationJob } from '@bora/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { toDate } from './ledger.ts';
import type { DispatcherMetrics } from './metrics.ts';

export interface SweeperDeps {
  db: DbHandle;
  redis: Redis;
  queue: Queue<NotificationJob>;
  prefix: string;
  logger: Logger;
  metrics: DispatcherMetrics;
  intervalMs: number;
  /** Replica identity for leader election. */
  owner: string;
  batchSize?: number;
}

// Renews the leadership only if we still hold it (compare-and-set).
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

/**
 * The outbox relay. One leader at a time (a Redis lease) periodically:
 * 1. returns rows stuck in `sending` past their lease to the queue (a dispatcher died mid-send —
 *    each is counted as a possible duplicate);
 * 2. enqueues due `pending`/`queued` rows whose job is missing (Redis was down when the booking was
 *    made, Redis was flushed, booking-api died between commit and enqueue).
 */
export function createSweeper(deps: SweeperDeps) {
  const { sql } = deps.db;
  const leaderKey = `${deps.prefix}:sweeper:leader`;
  const batch = deps.batchSize ?? 1000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function isLeader(): Promise<boolean> {
    const ttl = deps.intervalMs * 3;
    if ((await deps.redis.set(leaderKey, deps.owner, 'PX', ttl, 'NX')) === 'OK') return true;
    return Number(await deps.redis.eval(RENEW, 1, leaderKey, deps.owner, ttl)) === 1;
  }

  async function recoverLeases(): Promise<number> {
    const rows = await sql<{ id: string; due_at: Date | string }[]>`
      update notifications set status = 'queued', lease_until = null, updated_at = now()
       where id in (select id from notifications where status = 'sending' and lease_until < now() limit ${batch} for update skip locked)
      returning id, due_at`;
    for (const row of rows) await requeueNotification(deps.queue, { id: row.id, dueAt: toDate(row.due_at) });
    if (rows.length > 0) {
      deps.metrics.leaseRecoveries.inc(rows.length);
      deps.logger.warn({ count: rows.length }, 'recovered notifications stuck in sending (possible duplicate sends)');
    }
    return rows.length;
  }

  async function enqueueMissing(): Promise<number> {
    const rows = await sql<{ id: string; due_at: Date | string; stale: boolean }[]>`
      select id, due_at, updated_at < now() - interval '2 minutes' as stale from notifications
       where status in ('pending', 'queued') and due_at <= now() + interval '5 seconds'
       order by due_at limit ${batch}`;
    if (rows.length === 0) return 0;
    // One pipelined EXISTS per row: is its job hash still in Redis?
    const pipeline = deps.redis.pipeline();
    for (const row of rows) pipeline.exists(`${deps.prefix}:${NOTIFICATIONS_QUEUE}:${row.id}`);
    const results = (await pipeline.exec()) ?? [];
    const missing = rows.filter((_, i) => Number(results[i]?.[1] ?? 0) === 0);
    await enqueueNotifications(deps.queue, missing.map((r) => ({ id: r.id, dueAt: toDate(r.due_at) })));
    // A row long due whose job still exists may hold a finished job (completed while another
    // replica had the row): requeue replaces finished jobs and leaves live ones alone.
    for (const [i, row] of rows.entries()) {
      if (row.stale && Number(results[i]?.[1] ?? 0) === 1) await requeueNotification(deps.queue, { id: row.id, dueAt: toDate(row.due_at) });
    }
    if (missing.length > 0) {
      await sql`update notifications set status = 'queued', updated_at = now() where id = any(${missing.map((r) => r.id)}) and status = 'pending'`;
      deps.metrics.swept.inc(missing.length);
      deps.logger.info({ count: missing.length }, 'enqueued due notifications that had no job');
    }
    return missing.length;
  }

  async function sweepOnce(): Promise<{ leader: boolean; recovered: number; enqueued: number }> {
    if (!(await isLeader())) return { leader: false, recovered: 0, enqueued: 0 };
    const recovered = await recoverLeases();
    const enqueued = await enqueueMissing();
    return { leader: true, recovered, enqueued };
  }

  function loop(): void {
    if (stopped) return;
    running = sweepOnce()
      .then(() => undefined)
      .catch((err: unknown) => deps.logger.warn({ err }, 'sweep failed; will retry'))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, deps.intervalMs);
      });
  }

  return {
    sweepOnce,
    start() {
      stopped = false;
      loop();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      // Step down so another replica takes over at once instead of after the lease.
      await deps.redis.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`, 1, leaderKey, deps.owner).catch(() => {});
    },
  };
}
