import { deleteKeysWithPrefix, test, waitFor } from '@bora/testing';
import { describe, expect } from 'vitest';
import { book, seedFleet, startDispatcher, statusOf, testConfig } from './support.ts';

describe('dispatcher: retries, circuits and the sweeper', () => {
  test('a server answering 5xx then recovering: retried and sent once; the circuit opens and closes', async ({
    env,
  }) => {
    const { sim, tenant, serverIds } = await seedFleet(env, [
      { name: 'evo1', instances: [{ name: 'own-01', phone: '5511911110001', isPrimary: true }] },
    ]);
    sim.control.setServerFaults('evo1', { errorRate: 1, errorStatus: 500 });
    const config = testConfig(env, {
      CIRCUIT_FAILURE_THRESHOLD: '2',
      CIRCUIT_OPEN_MS: '400',
      BACKOFF_BASE_MS: '150',
      MAX_ATTEMPTS: '20',
    });
    const dispatcher = await startDispatcher(env, config);
    try {
      const { notification } = await book(env, tenant.id);
      // Two failed attempts open the circuit (threshold 2).
      await waitFor(async () => (await env.redis.hget(`${env.queuePrefix}:circuit:open`, serverIds.evo1!)) !== null, {
        what: 'circuit open',
      });
      expect((await statusOf(env, notification.id)).status).not.toBe('sent');
      sim.control.setServerFaults('evo1', { errorRate: 0 });
      const row = await waitFor(
        async () => {
          const r = await statusOf(env, notification.id);
          return r.status === 'sent' && r;
        },
        { timeoutMs: 15_000 },
      );
      expect(row.attempts).toBeGreaterThanOrEqual(3);
      expect(sim.control.messages()).toHaveLength(1);
      // The success closed the circuit.
      expect(await env.redis.hget(`${env.queuePrefix}:circuit:open`, serverIds.evo1!)).toBeNull();
      const outcomes = await env.db
        .sql`select outcome, http_status from delivery_attempts where notification_id = ${notification.id} order by id`;
      expect(outcomes.at(-1)).toEqual({ outcome: 'sent', http_status: null });
      expect(outcomes.slice(0, -1).every((o) => o.outcome === 'failed' && o.http_status === 500)).toBe(true);
      const metrics = await dispatcher.registry.metrics();
      expect(metrics).toMatch(
        /dispatcher_circuit_transitions_total\{server="evo1",to="open",service="dispatcher"\} [1-9]/,
      );
      expect(metrics).toMatch(
        /dispatcher_circuit_transitions_total\{server="evo1",to="closed",service="dispatcher"\} 1/,
      );
      expect(metrics).toMatch(/dispatcher_messages_sent_total\{server="evo1",service="dispatcher"\} 1/);
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });

  test('the queue keys flushed with 100 rows pending: the sweeper delivers all 100, once each', async ({ env }) => {
    const { sim, tenant } = await seedFleet(env, [
      {
        name: 'evo1',
        instances: Array.from({ length: 10 }, (_, i) => ({
          name: `own-${i}`,
          phone: `55119111100${String(i).padStart(2, '0')}`,
          isPrimary: i === 0,
        })),
      },
    ]);
    const created = [];
    for (let i = 0; i < 100; i++)
      created.push(await book(env, tenant.id, { phone: `55119876${String(10000 + i).slice(1)}` }));
    // Everything Redis knew is gone (FLUSHALL of this test's keys).
    await deleteKeysWithPrefix(env.redis, env.queuePrefix);
    const dispatcher = await startDispatcher(env, testConfig(env));
    try {
      await waitFor(
        async () => {
          const [row] = await env.db.sql`select count(*)::int as sent from notifications where status = 'sent'`;
          return row!.sent === 100;
        },
        { timeoutMs: 20_000, what: '100 sent' },
      );
      const perNumber = new Map<string, number>();
      for (const m of sim.control.messages()) perNumber.set(m.number, (perNumber.get(m.number) ?? 0) + 1);
      expect(perNumber.size).toBe(100);
      expect([...perNumber.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });

  test('a row stuck in sending past its lease is recovered and sent', async ({ env }) => {
    const { sim, tenant } = await seedFleet(env, [
      { name: 'evo1', instances: [{ name: 'own-01', phone: '5511911110001', isPrimary: true }] },
    ]);
    const { notification } = await book(env, tenant.id, { enqueue: false });
    // A dispatcher died after claiming it.
    await env.db
      .sql`update notifications set status = 'sending', attempts = 1, lease_until = now() - interval '1 second' where id = ${notification.id}`;
    const dispatcher = await startDispatcher(env, testConfig(env));
    try {
      const row = await waitFor(async () => {
        const r = await statusOf(env, notification.id);
        return r.status === 'sent' && r;
      });
      expect(row.attempts).toBe(2);
      expect(await dispatcher.registry.metrics()).toMatch(
        /dispatcher_lease_recoveries_total\{service="dispatcher"\} 1/,
      );
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });

  test('only one sweeper leads at a time', async ({ env }) => {
    const { sim } = await seedFleet(env, []);
    const a = await startDispatcher(env, testConfig(env, { SWEEP_INTERVAL_MS: '60000' }));
    const b = await startDispatcher(env, testConfig(env, { SWEEP_INTERVAL_MS: '60000' }));
    try {
      const results = await Promise.all([a.sweeper.sweepOnce(), b.sweeper.sweepOnce()]);
      expect(results.filter((r) => r.leader)).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
      await sim.close();
    }
  });
});
