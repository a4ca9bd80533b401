import { test, waitFor } from '@bora/testing';
import { createNotificationQueues } from '@bora/queue';
import { describe, expect } from 'vitest';
import { book, seedFleet, seedSent, setNumberSafety, startDispatcher, testConfig, type ServerSeed } from './support.ts';

// Number safety on, pacing off (its own test), real Redis and Postgres, the simulator as WhatsApp.
const safety = (env: Parameters<typeof testConfig>[0], more: Record<string, string> = {}) =>
  testConfig(env, {
    NUMBER_SAFETY: 'true',
    TYPING_MAX_MS: '0',
    TYPING_MIN_MS: '0',
    HEALTH_INTERVAL_MS: '3600000',
    ...more,
  });

const fleet = (shared = true): ServerSeed[] => [
  {
    name: 'evo1',
    instances: [
      { name: 'own-a', phone: '5511911110001', isPrimary: true },
      { name: 'own-b', phone: '5511911110002' },
      ...(shared ? [{ name: 'shared-1', phone: '5511911110099', tenant: 'shared' as const }] : []),
    ],
  },
];
const phone = (i: number) => `55119876${String(50_000 + i).slice(1)}`;
const byInstance = (messages: { instance: string }[]) =>
  messages.reduce<Record<string, number>>((acc, m) => ({ ...acc, [m.instance]: (acc[m.instance] ?? 0) + 1 }), {});

async function rows(env: Parameters<typeof testConfig>[0]) {
  return env.db.sql<{ status: string; attempts: number; n: number }[]>`
    select status, attempts, count(*)::int as n from notifications where kind = 'confirmation' group by 1, 2 order by 1, 2`;
}

describe('number safety in the dispatcher', () => {
  test('a burst over a number’s day budget moves to the business’s other number; past both it waits (not failed, no attempt), never through a shared sender it forbids', async ({
    env,
  }) => {
    const { sim, tenant, instanceIds } = await seedFleet(env, fleet(), { allowSharedSender: false });
    await setNumberSafety(env, instanceIds['own-a']!, { markedWarm: true, perDay: 3 });
    await setNumberSafety(env, instanceIds['own-b']!, { markedWarm: true, perDay: 2 });
    await setNumberSafety(env, instanceIds['shared-1']!, { markedWarm: true });
    const dispatcher = await startDispatcher(env, safety(env));
    const queue = createNotificationQueues({ connection: env.redis, prefix: env.queuePrefix });
    try {
      for (let i = 0; i < 8; i++) await book(env, tenant.id, { phone: phone(i) });
      await waitFor(
        async () => (await queue.shards[0]!.getDelayedCount()) === 3 && sim.control.messages().length === 5,
        { what: '5 sent, 3 delayed' },
      );
      expect(byInstance(sim.control.messages())).toEqual({ 'own-a': 3, 'own-b': 2 });
      // The three over budget are back in line: queued, no attempt spent, no error.
      expect(await rows(env)).toEqual([
        { status: 'queued', attempts: 0, n: 3 },
        { status: 'sent', attempts: 1, n: 5 },
      ]);
    } finally {
      await queue.close();
      await dispatcher.close();
      await sim.close();
    }
  });

  test('a business that allows the shared sender sends its overflow there once its own numbers are out of budget', async ({
    env,
  }) => {
    const { sim, tenant, instanceIds } = await seedFleet(env, fleet(), { allowSharedSender: true });
    await setNumberSafety(env, instanceIds['own-a']!, { markedWarm: true, perDay: 2 });
    await setNumberSafety(env, instanceIds['own-b']!, { markedWarm: true, perDay: 1 });
    await setNumberSafety(env, instanceIds['shared-1']!, { markedWarm: true });
    const dispatcher = await startDispatcher(env, safety(env));
    try {
      for (let i = 0; i < 6; i++) await book(env, tenant.id, { phone: phone(i) });
      await waitFor(async () => sim.control.messages().length === 6, { what: 'all six sent' });
      expect(byInstance(sim.control.messages())).toEqual({ 'own-a': 2, 'own-b': 1, 'shared-1': 3 });
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });

  test('sticky sender: a customer keeps hearing from the number that messaged them before, a new one from the primary', async ({
    env,
  }) => {
    const { sim, tenant, instanceIds } = await seedFleet(env, fleet(false));
    for (const id of Object.values(instanceIds)) await setNumberSafety(env, id, { markedWarm: true });
    await seedSent(env, tenant.id, instanceIds['own-b']!, phone(1));
    const dispatcher = await startDispatcher(env, safety(env));
    try {
      await book(env, tenant.id, { phone: phone(1) });
      await book(env, tenant.id, { phone: phone(2) });
      await waitFor(async () => sim.control.messages().length === 2);
      const from = Object.fromEntries(sim.control.messages().map((m) => [m.number, m.instance]));
      expect(from).toEqual({ [phone(1)]: 'own-b', [phone(2)]: 'own-a' });
      // Its reminder, right after, stays with the number the confirmation came from.
      await book(env, tenant.id, { phone: phone(2), kind: 'reminder' });
      await waitFor(async () => sim.control.messages().length === 3);
      expect(sim.control.messages()[2]).toMatchObject({ number: phone(2), instance: 'own-a' });
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });

  test('a reach-out lock pauses first contacts on that number; its warm chats go on, new customers go through the other number or wait', async ({
    env,
  }) => {
    const { sim, tenant, instanceIds } = await seedFleet(env, fleet(false), { allowSharedSender: false });
    for (const id of Object.values(instanceIds)) await setNumberSafety(env, id, { markedWarm: true });
    await setNumberSafety(env, instanceIds['own-a']!, { markedWarm: true, lockedForMs: 3_600_000 });
    await seedSent(env, tenant.id, instanceIds['own-a']!, phone(1));
    const dispatcher = await startDispatcher(env, safety(env));
    const queue = createNotificationQueues({ connection: env.redis, prefix: env.queuePrefix });
    try {
      await book(env, tenant.id, { phone: phone(1) });
      await book(env, tenant.id, { phone: phone(2) });
      await waitFor(async () => sim.control.messages().length === 2);
      const from = Object.fromEntries(sim.control.messages().map((m) => [m.number, m.instance]));
      expect(from).toEqual({ [phone(1)]: 'own-a', [phone(2)]: 'own-b' });
      // With the other number locked too, a new customer waits for a lock to end.
      await setNumberSafety(env, instanceIds['own-b']!, { markedWarm: true, lockedForMs: 3_600_000 });
      await dispatcher.fleet.refresh();
      const { notification } = await book(env, tenant.id, { phone: phone(3) });
      await waitFor(async () => (await queue.shards[0]!.getDelayed()).some((j) => j.id === notification.id), {
        what: 'the first contact delayed',
      });
      const [row] = await env.db.sql`select status, attempts from notifications where id = ${notification.id}`;
      expect(row).toEqual({ status: 'queued', attempts: 0 });
      const job = await queue.shards[0]!.getJob(notification.id);
      expect(job!.delay).toBeGreaterThan(3_000_000);
      expect(sim.control.messages()).toHaveLength(2);
    } finally {
      await queue.close();
      await dispatcher.close();
      await sim.close();
    }
  });

  test('typing: Evolution’s delay grows with the text, within its bounds', async ({ env }) => {
    const { sim, tenant, instanceIds } = await seedFleet(env, fleet(false));
    for (const id of Object.values(instanceIds)) await setNumberSafety(env, id, { markedWarm: true });
    const dispatcher = await startDispatcher(
      env,
      safety(env, { TYPING_MS_PER_CHAR: '2', TYPING_MIN_MS: '50', TYPING_MAX_MS: '400' }),
    );
    try {
      await book(env, tenant.id, { phone: phone(1) });
      await waitFor(async () => sim.control.messages().length === 1);
      const [message] = sim.control.messages();
      expect(message!.delay).toBe(Math.min(400, Math.max(50, [...message!.text].length * 2)));
      expect(message!.delay).toBeGreaterThan(50);
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });

  test('a platform alert to a business owner goes only through a shared sender, even for a business that forbids them', async ({
    env,
  }) => {
    const { sim, tenant, instanceIds } = await seedFleet(env, fleet(), { allowSharedSender: false });
    for (const id of Object.values(instanceIds)) await setNumberSafety(env, id, { markedWarm: true });
    const dispatcher = await startDispatcher(env, safety(env));
    try {
      const alert = await dispatcher.ledger.owed.createOwnerAlert({
        tenantId: tenant.id,
        recipient: '5511955554444',
        text: 'Seu WhatsApp desconectou',
      });
      const queue = createNotificationQueues({ connection: env.redis, prefix: env.queuePrefix });
      await queue.shards[0]!.add('send', { notificationId: alert.id }, { jobId: alert.id });
      await queue.close();
      await waitFor(async () => sim.control.messages().length === 1);
      expect(sim.control.messages()[0]).toMatchObject({ instance: 'shared-1', number: '5511955554444' });
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });
});

describe('number safety under a burst', () => {
  test(
    'no number ever sends more than its per-minute budget in any minute (a ×60 clock: a minute lasts 1 s)',
    { timeout: 60_000 },
    async ({ env }) => {
      const { sim, tenant, instanceIds } = await seedFleet(env, fleet(false), { allowSharedSender: false });
      for (const id of Object.values(instanceIds)) await setNumberSafety(env, id, { markedWarm: true });
      const dispatcher = await startDispatcher(
        env,
        safety(env, {
          SAFETY_TIME_SCALE: '60',
          PACING_MIN_INTERVAL_MS: '25',
          PACING_JITTER_MS: '58',
          DISPATCH_CONCURRENCY: '50',
        }),
      );
      try {
        for (let i = 0; i < 48; i++) await book(env, tenant.id, { phone: phone(i) });
        await waitFor(async () => sim.control.messages().length === 48, { timeoutMs: 40_000, what: 'all 48 sent' });
        for (const instance of ['own-a', 'own-b']) {
          const times = sim.control
            .messages()
            .filter((m) => m.instance === instance)
            .map((m) => m.receivedAt)
            .sort((a, b) => a - b);
          // Sends are released on Redis' clock; their arrival adds a loaded machine's HTTP jitter.
          const densest = Math.max(...times.map((t) => times.filter((o) => o >= t && o < t + 1_000 - 60).length));
          expect(densest, `${instance}: ${times.map((t) => t - times[0]!).join(',')}`).toBeLessThanOrEqual(8);
        }
      } finally {
        await dispatcher.close();
        await sim.close();
      }
    },
  );
});
