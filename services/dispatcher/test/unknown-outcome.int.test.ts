import { test, waitFor } from '@bora/testing';
import { describe, expect } from 'vitest';
import { book, seedFleet, startDispatcher, statusOf, testConfig } from './support.ts';

const metric = async (
  dispatcher: Awaited<ReturnType<typeof startDispatcher>>,
  name: string,
  labels: Record<string, string> = {},
) => {
  const values = (await dispatcher.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((sum, v) => sum + v.value, 0);
};

describe('a send whose outcome is unknown is never retried or failed over blindly', () => {
  test('a server that takes the request and never answers: no failover to the shared sender; after the window, sent again once, counted as a possible duplicate', async ({
    env,
  }) => {
    const { sim, tenant } = await seedFleet(env, [
      { name: 'evo1', priority: 10, instances: [{ name: 'own-01', phone: '5511911110001', isPrimary: true }] },
      { name: 'evo2', priority: 5, instances: [{ name: 'shared-01', phone: '5511911110002', tenant: 'shared' }] },
    ]);
    sim.control.setServerFaults('evo1', { hang: true });
    const dispatcher = await startDispatcher(
      env,
      testConfig(env, { SEND_TIMEOUT_MS: '300', UNCONFIRMED_WINDOW_MS: '1500' }),
    );
    try {
      const { notification } = await book(env, tenant.id);
      const unconfirmed = await waitFor(async () => {
        const r = await statusOf(env, notification.id);
        return r.status === 'unconfirmed' && r;
      });
      expect(unconfirmed.last_error_code).toBe('TIMEOUT');
      // The shared sender got nothing: the message may already be on its way from evo1.
      expect(sim.control.messages()).toHaveLength(0);
      sim.control.setServerFaults('evo1', { hang: false });
      const row = await waitFor(
        async () => {
          const r = await statusOf(env, notification.id);
          return r.status === 'sent' && r;
        },
        { timeoutMs: 10_000 },
      );
      expect(row.resends).toBe(1);
      expect(sim.control.messages()).toHaveLength(1);
      const attempts = await env.db
        .sql`select outcome, error_code, possible_duplicate from delivery_attempts where notification_id = ${notification.id} order by id`;
      expect(attempts).toEqual([
        { outcome: 'unknown', error_code: 'TIMEOUT', possible_duplicate: false },
        { outcome: 'sent', error_code: null, possible_duplicate: true },
      ]);
      expect(await metric(dispatcher, 'dispatcher_unconfirmed_settled_total', { how: 'resent-no-evidence' })).toBe(1);
      expect(await metric(dispatcher, 'dispatcher_messages_unconfirmed_total')).toBe(1);
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });

  for (const afterSend of ['delay', 'reset', 'garbage'] as const) {
    test(`the server sent it but the answer was lost (${afterSend}): found by the lookup on that server, recorded as sent, never sent twice`, async ({
      env,
    }) => {
      const { sim, tenant, instanceIds } = await seedFleet(env, [
        { name: 'evo1', priority: 10, instances: [{ name: 'own-01', phone: '5511911110001', isPrimary: true }] },
        { name: 'evo2', priority: 5, instances: [{ name: 'shared-01', phone: '5511911110002', tenant: 'shared' }] },
      ]);
      sim.control.setInstanceFaults('evo1', 'own-01', { afterSend, afterSendDelayMs: 5_000 });
      const dispatcher = await startDispatcher(
        env,
        testConfig(env, { SEND_TIMEOUT_MS: '400', UNCONFIRMED_WINDOW_MS: '8000' }),
      );
      try {
        const { notification } = await book(env, tenant.id);
        const row = await waitFor(
          async () => {
            const r = await statusOf(env, notification.id);
            return r.status === 'sent' && r;
          },
          { timeoutMs: 15_000 },
        );
        const [message] = sim.control.messages();
        expect(sim.control.messages()).toHaveLength(1);
        expect([row.message_id, row.whatsapp_instance_id, row.resends]).toEqual([
          message!.keyId,
          instanceIds['own-01'],
          0,
        ]);
        expect(await metric(dispatcher, 'dispatcher_unconfirmed_settled_total', { how: 'found' })).toBe(1);
      } finally {
        await dispatcher.close();
        await sim.close();
      }
    });
  }

  test('a 201 without key.id is a send: recorded (noted NO_KEY_ID), not sent again', async ({ env }) => {
    const { sim, tenant } = await seedFleet(env, [
      { name: 'evo1', instances: [{ name: 'own-01', phone: '5511911110001', isPrimary: true }] },
    ]);
    sim.control.setInstanceFaults('evo1', 'own-01', { afterSend: 'no-key' });
    const dispatcher = await startDispatcher(env, testConfig(env));
    try {
      const { notification } = await book(env, tenant.id);
      const row = await waitFor(async () => {
        const r = await statusOf(env, notification.id);
        return r.status === 'sent' && r;
      });
      expect([row.message_id, row.record_note]).toEqual([null, 'NO_KEY_ID']);
      await dispatcher.sweeper.sweepOnce();
      expect(sim.control.messages()).toHaveLength(1);
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });

  test('a tenant time zone that cannot render is dead-lettered once with its reason, never looped', async ({ env }) => {
    const { sim, tenant } = await seedFleet(
      env,
      [{ name: 'evo1', instances: [{ name: 'own-01', phone: '5511911110001', isPrimary: true }] }],
      { timezone: 'America/Nowhere' },
    );
    const dispatcher = await startDispatcher(env, testConfig(env));
    try {
      const { notification } = await book(env, tenant.id);
      const row = await waitFor(async () => {
        const r = await statusOf(env, notification.id);
        return r.status === 'failed' && r;
      });
      expect([row.last_error_code, row.attempts]).toEqual(['RENDER_FAILED', 1]);
      expect(sim.control.messages()).toHaveLength(0);
      expect(await (await dispatcher.queues.shards[0]!.getJob(notification.id))?.getState()).toBe('failed');
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });
});

describe('a hung server does not hold up anyone else', () => {
  test('with its in-flight share taken, another business on a healthy server is sent before the hung sends even time out', async ({
    env,
  }) => {
    const { sim, tenant } = await seedFleet(env, [
      { name: 'evohang', priority: 10, instances: [{ name: 'hang-01', phone: '5511911110001', isPrimary: true }] },
    ]);
    sim.control.setServerFaults('evohang', { hang: true });
    const other = (
      await env.db.sql<{ id: string }[]>`insert into tenants (slug, name) values ('outra', 'Outra') returning id`
    )[0]!.id;
    const [okServer] = await env.db.sql<{ id: string }[]>`
      insert into evolution_apis (name, url, api_key_encrypted, webhook_secret_encrypted)
      select 'evook', replace(url, '/evohang', '/evook'), api_key_encrypted, webhook_secret_encrypted from evolution_apis where name = 'evohang' returning id`;
    sim.control.addServer({ name: 'evook', apiKey: 'key-evohang', instances: [{ name: 'ok-01' }] });
    await env.db
      .sql`insert into whatsapp_instances (evolution_api_id, instance_name, phone_number, display_name, tenant_id, is_primary, status)
                     values (${okServer!.id}, 'ok-01', '5511911110002', 'ok', ${other}, true, 'connected')`;
    const dispatcher = await startDispatcher(
      env,
      testConfig(env, {
        DISPATCH_CONCURRENCY: '4',
        SERVER_MAX_IN_FLIGHT: '2',
        SEND_TIMEOUT_MS: '3000',
        CIRCUIT_FAILURE_THRESHOLD: '100',
      }),
    );
    try {
      for (let i = 0; i < 6; i++) await book(env, tenant.id, { phone: `551198765000${i}` });
      await waitFor(async () => (await env.db.sql`select 1 from notifications where status = 'sending'`).length >= 2, {
        what: 'sends stuck at the hung server',
      });
      const { notification } = await book(env, other, { phone: '5511987651111' });
      await waitFor(async () => (await statusOf(env, notification.id)).status === 'sent', { timeoutMs: 10_000 });
      const [stuck] = await env.db.sql<
        { unknown: number }[]
      >`select count(*)::int as unknown from notifications where status = 'unconfirmed'`;
      expect(stuck!.unknown).toBe(0);
    } finally {
      sim.control.setServerFaults('evohang', { hang: false });
      await dispatcher.close();
      await sim.close();
    }
  });
});
