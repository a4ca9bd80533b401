import { randomBytes, randomUUID } from 'node:crypto';
import { tenants } from '@bora/db';
import { createLedger } from '@bora/ledger';
import { createLogger } from '@bora/logger';
import {
  createNotificationQueues,
  createRedis,
  duplicateRedis,
  enqueueNotifications,
  NOTIFICATIONS_QUEUE,
  pingRedis,
  redisAnswers,
  type NotificationJob,
  type RedisClient,
  type RedisTarget,
} from '@bora/queue';
import { test, waitFor } from '@bora/testing';
import { Worker } from 'bullmq';
import { Cluster } from 'ioredis';
import { Registry } from 'prom-client';
import { describe, expect } from 'vitest';
import { createCircuitBreaker } from '../src/circuit.ts';
import { createDispatcher } from '../src/dispatcher.ts';
import { createDispatcherMetrics } from '../src/metrics.ts';
import { createPacer } from '../src/pacing.ts';
import { createSweeper } from '../src/sweeper.ts';
import { book, seedFleet, statusOf, testConfig } from './support.ts';

/**
 * Runs against a real Redis Cluster: `TEST_REDIS_CLUSTER_NODES=host:port,…` (`.ci/run` starts a
 * 6-node one with `.ci/redis-cluster.sh` and sets it). Without it the suite is skipped.
 */
const raw = process.env.TEST_REDIS_CLUSTER_NODES;
const target: RedisTarget | undefined = raw
  ? {
      kind: 'cluster',
      tls: false,
      nodes: raw.split(',').map((n) => ({ host: n.split(':')[0]!, port: Number(n.split(':')[1]) })),
    }
  : undefined;
if (!target)
  console.warn(
    'redis-cluster.int.test.ts skipped: set TEST_REDIS_CLUSTER_NODES=127.0.0.1:7100,… (bash .ci/redis-cluster.sh start prints it)',
  );

const freshPrefix = () => `{c${randomBytes(4).toString('hex')}}`;

/** Every key under these tags, on every master (a cluster SCAN is per node). */
async function deleteTagged(redis: RedisClient, prefixes: readonly string[]): Promise<void> {
  const masters = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of masters) {
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        // One UNLINK per key: keys of different tags may be in different slots.
        for (const key of keys) await node.unlink(key);
      } while (cursor !== '0');
    }
  }
}

const slotOwner = async (redis: Cluster, key: string) => {
  // Asked of one node directly: the cluster client would route CLUSTER KEYSLOT by its key.
  const node = redis.nodes('master')[0]!;
  const slot = Number(await node.cluster('KEYSLOT', key));
  const slots = (await node.cluster('SLOTS')) as unknown as [number, number, [string, number]][];
  const range = slots.find(([from, to]) => slot >= from && slot <= to)!;
  return `${range[2][0]}:${range[2][1]}`;
};

describe.skipIf(!target)('on a real Redis Cluster (TEST_REDIS_CLUSTER_NODES)', () => {
  test('every connection role connects, answers PING on every master, and a duplicate keeps the cluster', async () => {
    expect(await redisAnswers(target!)).toBe(true);
    for (const role of ['producer', 'commands', 'worker'] as const) {
      const redis = createRedis(target!, role);
      try {
        expect(redis).toBeInstanceOf(Cluster);
        expect(await pingRedis(redis, 5_000)).toBe('PONG');
        expect((redis as Cluster).nodes('master')).toHaveLength(3);
        const copy = duplicateRedis(redis, 'worker');
        expect(copy).toBeInstanceOf(Cluster);
        expect(await pingRedis(copy, 5_000)).toBe('PONG');
        copy.disconnect();
      } finally {
        redis.disconnect();
      }
    }
    // A cluster with no node reachable is reported as such, not as healthy.
    expect(await redisAnswers({ kind: 'cluster', tls: false, nodes: [{ host: '127.0.0.1', port: 1 }] }, 500)).toBe(
      false,
    );
  });

  test('sharded queues: each tenant lands in its own shard, in order; one worker per shard consumes every one', async () => {
    const prefix = freshPrefix();
    const producer = createRedis(target!, 'producer');
    const commands = createRedis(target!, 'commands');
    await pingRedis(producer, 5_000);
    const queues = createNotificationQueues({ connection: producer, prefix, shards: 4 });
    expect(queues.prefixes).toEqual([0, 1, 2, 3].map((i) => prefix.replace('}', `-${i}}`)));
    const tenantsIds = Array.from({ length: 12 }, () => randomUUID());
    const seen: { shard: number; tenant: string; seq: number }[] = [];
    const workerConnection = duplicateRedis(commands, 'worker');
    const workers = queues.prefixes.map(
      (shardPrefix, shard) =>
        new Worker<NotificationJob & { tenant?: string; seq?: number }>(
          NOTIFICATIONS_QUEUE,
          async (job) => {
            const [tenant, seq] = job.id!.split('~') as [string, string];
            seen.push({ shard, tenant, seq: Number(seq) });
          },
          { connection: workerConnection, prefix: shardPrefix, concurrency: 1 },
        ),
    );
    try {
      // Shards are spread over the cluster (their tags hash to slots of different masters).
      const owners = new Set(
        await Promise.all(queues.prefixes.map((p) => slotOwner(producer as Cluster, `${p}:${NOTIFICATIONS_QUEUE}:id`))),
      );
      console.info(`shard tags ${queues.prefixes.join(' ')} live on ${owners.size} of 3 masters`);
      const items = tenantsIds.flatMap((tenantId) =>
        Array.from({ length: 5 }, (_, seq) => ({ id: `${tenantId}~${seq}`, tenantId, dueAt: new Date() })),
      );
      await enqueueNotifications(queues, items);
      await waitFor(async () => seen.length === items.length, { what: 'every job consumed', timeoutMs: 20_000 });
      for (const tenantId of tenantsIds) {
        const mine = seen.filter((s) => s.tenant === tenantId);
        expect(new Set(mine.map((s) => s.shard))).toEqual(new Set([queues.shardOf(tenantId)]));
        expect(mine.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4]);
      }
      expect(new Set(seen.map((s) => s.shard)).size).toBeGreaterThan(1);
      const counts = await queues.getJobCounts('completed', 'waiting');
      expect(counts).toMatchObject({ completed: items.length, waiting: 0 });
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await queues.close();
      await deleteTagged(commands, queues.prefixes);
      workerConnection.disconnect();
      producer.disconnect();
      commands.disconnect();
    }
  });

  test("pacing's and the circuit's multi-key scripts and MULTI run in one slot", async () => {
    const prefix = freshPrefix();
    const commands = createRedis(target!, 'commands');
    try {
      const pacer = createPacer(commands, prefix, { minIntervalMs: 60_000, jitterMs: 0 });
      expect(await pacer.request('instance-a')).toEqual({ go: true });
      const second = await pacer.request('instance-a');
      expect(second).toMatchObject({ go: false });
      expect(await pacer.request('instance-b')).toEqual({ go: true });

      const circuit = createCircuitBreaker(
        commands,
        prefix,
        { failureThreshold: 2, openMs: 60_000, probeMs: 10_000 },
        0,
      );
      expect(await circuit.recordFailure('server-1')).toBe(false);
      expect(await circuit.recordFailure('server-1')).toBe(true);
      expect((await circuit.state()).open.has('server-1')).toBe(true);
      expect(await circuit.recordSuccess('server-1')).toBe(true); // MULTI over three keys
      expect((await circuit.state()).open.has('server-1')).toBe(false);
    } finally {
      await deleteTagged(commands, [prefix]);
      commands.disconnect();
    }
  });

  test("the sweeper: one leader; owed rows without a job go to their tenant's shard", async ({ env }) => {
    const prefix = freshPrefix();
    const commands = createRedis(target!, 'commands');
    const queues = createNotificationQueues({ connection: commands, prefix, shards: 3 });
    const { sim, tenant } = await seedFleet(env, []);
    try {
      const others = await env.db.db
        .insert(tenants)
        .values(
          [1, 2, 3, 4, 5].map((i) => ({ slug: `cluster-${i}-${randomUUID().slice(0, 6)}`, name: `Negócio ${i}` })),
        )
        .returning({ id: tenants.id });
      const owners = [tenant.id, ...others.map((o) => o.id)];
      const rows: { owner: string; notification: { id: string } }[] = [];
      for (const owner of owners) rows.push({ owner, ...(await book(env, owner, { enqueue: false })) });
      const ledger = createLedger(env.db);
      const logger = createLogger({ name: 'sweeper-test', level: 'silent' });
      const metrics = createDispatcherMetrics(new Registry());
      const make = (owner: string) =>
        createSweeper({
          ledger,
          redis: commands,
          queues,
          prefix,
          logger,
          metrics,
          intervalMs: 60_000,
          owner,
          lookaheadMs: 60_000,
          revive: { maxRevivals: 0, horizonMs: 1 },
        });
      const [a, b] = [make('a'), make('b')];
      expect(await a.sweepOnce()).toMatchObject({ leader: true, enqueued: rows.length });
      expect(await b.sweepOnce()).toMatchObject({ leader: false });
      for (const row of rows) {
        const job = await queues.forTenant(row.owner).getJob(row.notification.id);
        expect(job?.data).toEqual({ notificationId: row.notification.id });
      }
      // A second pass finds every job in place (the per-shard pipelines saw them).
      expect(await a.sweepOnce()).toMatchObject({ leader: true, enqueued: 0 });
      await a.stop();
    } finally {
      await queues.close();
      await deleteTagged(commands, [prefix, ...queues.prefixes]);
      commands.disconnect();
      await sim.close();
    }
  });

  test('the dispatcher on the cluster, 3 shards: booked messages of several businesses are sent once each', async ({
    env,
  }) => {
    const prefix = freshPrefix();
    const { sim, tenant } = await seedFleet(env, [
      {
        name: 'evo1',
        instances: [
          { name: 'shared-01', phone: '5511911110099', tenant: 'shared' },
          { name: 'own-01', phone: '5511911110001', isPrimary: true },
        ],
      },
    ]);
    const config = testConfig(env, { REDIS_CLUSTER_NODES: raw!, QUEUE_PREFIX: prefix, QUEUE_SHARDS: '3' });
    const commands = createRedis(config.redis, 'commands');
    const dispatcher = createDispatcher({
      config,
      logger: createLogger({ name: 'dispatcher-cluster', level: 'silent' }),
      db: env.db,
      redis: commands,
    });
    await dispatcher.start();
    const producer = createRedis(config.redis, 'producer');
    const queues = createNotificationQueues({ connection: producer, prefix, shards: 3 });
    try {
      const others = await env.db.db
        .insert(tenants)
        .values([1, 2, 3, 4, 5].map((i) => ({ slug: `cl-${i}-${randomUUID().slice(0, 6)}`, name: `Negócio ${i}` })))
        .returning({ id: tenants.id });
      const owners = [tenant.id, ...others.map((o) => o.id)];
      const booked: string[] = [];
      for (const [i, owner] of owners.entries()) {
        // Half enqueued as booking-api does, half left for the sweeper to find.
        const { notification } = await book(env, owner, {
          enqueue: false,
          phone: `55119876500${String(i).padStart(2, '0')}`,
        });
        if (i % 2 === 0)
          await enqueueNotifications(queues, [{ id: notification.id, tenantId: owner, dueAt: notification.dueAt }]);
        booked.push(notification.id);
      }
      expect(new Set(owners.map((o) => queues.shardOf(o))).size).toBeGreaterThan(1);
      await waitFor(
        async () => {
          const statuses = await Promise.all(booked.map(async (id) => (await statusOf(env, id)).status));
          return statuses.every((s) => s === 'sent');
        },
        { what: 'every message sent', timeoutMs: 20_000 },
      );
      expect(sim.control.messages()).toHaveLength(booked.length);
    } finally {
      await dispatcher.close();
      await queues.close();
      await deleteTagged(commands, [prefix, ...queues.prefixes]);
      commands.disconnect();
      producer.disconnect();
      await sim.close();
    }
  });
});
