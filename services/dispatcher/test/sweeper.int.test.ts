import { createMetricsRegistry } from '@bora/http';
import { createLogger } from '@bora/logger';
import { createNotificationQueues, NOTIFICATIONS_QUEUE, type NotificationQueues } from '@bora/queue';
import { test, waitFor } from '@bora/testing';
import { Worker } from 'bullmq';
import { describe, expect } from 'vitest';
import { createLedger } from '@bora/ledger';
import { createDispatcherMetrics } from '../src/metrics.ts';
import { createSweeper } from '../src/sweeper.ts';
import { book, seedFleet } from './support.ts';

type Env = Parameters<typeof seedFleet>[0];

/**
 * A paced backlog: `alive` due rows whose jobs wait delayed in Redis (their slots are later), and,
 * due last, one row whose job was lost. No worker runs: only the sweeper acts.
 */
async function backlog(env: Env, alive: number) {
  const { sim, tenant } = await seedFleet(env, []);
  await sim.close();
  const queues = createNotificationQueues({ connection: env.redis, prefix: env.queuePrefix });
  const queue = queues.shards[0]!;
  const start = Date.now() - 60_000;
  for (let i = 0; i < alive; i++) {
    const { notification } = await book(env, tenant.id, { dueAt: new Date(start + i * 10), enqueue: false });
    await queue.add('send', { notificationId: notification.id }, { jobId: notification.id, delay: 10 * 60_000 });
  }
  const { notification: lost } = await book(env, tenant.id, { dueAt: new Date(start + alive * 10), enqueue: false });
  return { queues, queue, lost };
}

function sweeperFor(env: Env, queues: NotificationQueues, paging: { batchSize: number; maxPagesPerSweep?: number }) {
  return createSweeper({
    ledger: createLedger(env.db),
    redis: env.redis,
    queues,
    prefix: env.queuePrefix,
    logger: createLogger({ name: 'sweeper-test', level: 'silent' }),
    metrics: createDispatcherMetrics(createMetricsRegistry('dispatcher')),
    intervalMs: 60_000,
    owner: `sweeper-${Math.random()}`,
    lookaheadMs: 5_000,
    revive: { maxRevivals: 3, horizonMs: 86_400_000 },
    ...paging,
  });
}

describe('sweeper: the outbox relay pages through every due row', () => {
  test('a lost job behind more than a page of due rows with live jobs is found in the same sweep', async ({ env }) => {
    const { queues, queue, lost } = await backlog(env, 12);
    const sweeper = sweeperFor(env, queues, { batchSize: 5 });
    try {
      expect(await sweeper.sweepOnce()).toEqual({ leader: true, recovered: 0, enqueued: 1, revived: 0 });
      expect(await (await queue.getJob(lost.id))?.getState()).toBe('waiting');
      const [row] = await env.db.sql`select status from notifications where id = ${lost.id}`;
      expect(row!.status).toBe('pending');
      // The live jobs were left alone: still delayed, nothing added twice.
      expect(await queue.getJobCounts('delayed', 'waiting')).toMatchObject({ delayed: 12, waiting: 1 });
      expect(await sweeper.sweepOnce()).toMatchObject({ enqueued: 0 });
    } finally {
      await sweeper.stop();
      await queue.close();
    }
  });

  test('with a bounded number of pages per sweep, the next sweeps carry on where the last one stopped', async ({
    env,
  }) => {
    const { queues, queue, lost } = await backlog(env, 12);
    // 13 due rows, 5 per page, 1 page per sweep: rows 1-5, 6-10, then 11-13 with the lost one.
    const sweeper = sweeperFor(env, queues, { batchSize: 5, maxPagesPerSweep: 1 });
    try {
      expect((await sweeper.sweepOnce()).enqueued).toBe(0);
      expect((await sweeper.sweepOnce()).enqueued).toBe(0);
      expect(await queue.getJob(lost.id)).toBeUndefined();
      expect((await sweeper.sweepOnce()).enqueued).toBe(1);
      expect(await (await queue.getJob(lost.id))?.getState()).toBe('waiting');
      // Having reached the end, the relay starts over from the most overdue rows.
      await (await queue.getJob(lost.id))!.remove();
      const [first] = await env.db.sql<{ id: string }[]>`select id from notifications order by due_at limit 1`;
      await (await queue.getJob(first!.id))!.remove();
      expect((await sweeper.sweepOnce()).enqueued).toBe(1);
      expect(await (await queue.getJob(first!.id))?.getState()).toBe('waiting');
    } finally {
      await sweeper.stop();
      await queue.close();
    }
  });

  test('a row long due whose job finished gets a fresh job; one whose job is delayed keeps it', async ({ env }) => {
    const { queues, queue, lost: finished } = await backlog(env, 1);
    const [delayed] = await env.db.sql<{ id: string }[]>`select id from notifications where id <> ${finished.id}`;
    // The job of `finished` completed while another replica had the row (a worker that only says done).
    await queue.add('send', { notificationId: finished.id }, { jobId: finished.id });
    const connection = env.redis.duplicate({ maxRetriesPerRequest: null });
    const worker = new Worker(NOTIFICATIONS_QUEUE, async () => 'done', { connection, prefix: env.queuePrefix });
    await waitFor(async () => (await queue.getJob(finished.id))?.finishedOn !== undefined, { what: 'job completed' });
    await worker.close();
    connection.disconnect();
    await env.db.sql`update notifications set updated_at = now() - interval '3 minutes'`;
    const sweeper = sweeperFor(env, queues, { batchSize: 5 });
    try {
      expect(await sweeper.sweepOnce()).toMatchObject({ enqueued: 0 });
      expect(await (await queue.getJob(finished.id))?.getState()).toBe('waiting');
      expect(await (await queue.getJob(delayed!.id))?.getState()).toBe('delayed');
    } finally {
      await sweeper.stop();
      await queue.close();
    }
  });
});
