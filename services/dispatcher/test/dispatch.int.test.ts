import { verifyManageToken } from '@bora/bookings';
import { waitFor, test } from '@bora/testing';
import { describe, expect } from 'vitest';
import { book, queueSettled, seedFleet, startDispatcher, statusOf, testConfig } from './support.ts';

describe('dispatcher: the happy path and failover', () => {
  test("a booking leads to exactly one pt-BR sendText from the tenant's own instance", async ({ env }) => {
    const { sim, tenant, serverIds, instanceIds } = await seedFleet(env, [
      {
        name: 'evo1',
        priority: 10,
        instances: [
          { name: 'zé-01', phone: '5511911110001', isPrimary: true },
          { name: 'shared-01', phone: '5511911110099', tenant: 'shared' },
        ],
      },
    ]);
    const dispatcher = await startDispatcher(env, testConfig(env));
    try {
      // 2030-12-03 17:30 UTC is a Tuesday, 14:30 in São Paulo.
      const { notification } = await book(env, tenant.id, { startsAt: new Date('2030-12-03T17:30:00Z') });
      const row = await waitFor(
        async () => {
          const r = await statusOf(env, notification.id);
          return r.status === 'sent' && r;
        },
        { what: 'notification sent' },
      );
      await queueSettled(env);
      const messages = sim.control.messages();
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ server: 'evo1', instance: 'zé-01', number: '5511987654321' });
      // The customer can answer it, and manage the booking by its signed link (verified below).
      const text = messages[0]!.text;
      expect(text).toMatch(
        /^Olá, Ana Souza! Seu agendamento de Corte de cabelo em Barbearia do Zé está confirmado para terça-feira, 3 de dezembro às 14:30\. Responda 1 para confirmar presença, 2 para cancelar ou 3 para remarcar\. Para gerenciar: http:\/\/127\.0\.0\.1:3000\/[a-z0-9-]+\/gerenciar\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/,
      );
      const token = text.slice(text.lastIndexOf('/') + 1);
      const check = verifyManageToken(testConfig(env).secretKey, token);
      expect(check.ok && check.bookingId).toBe(
        (await env.db.sql`select booking_id from notifications where id = ${notification.id}`)[0]!.booking_id,
      );
      expect(row.message_id).toBe(messages[0]!.keyId);
      expect(row.remote_jid).toBe(messages[0]!.remoteJid);
      expect(row.evolution_api_id).toBe(serverIds.evo1);
      expect(row.whatsapp_instance_id).toBe(instanceIds['zé-01']);
      expect(row.attempts).toBe(1);
      const attempts = await env.db
        .sql`select outcome, error_code from delivery_attempts where notification_id = ${notification.id}`;
      expect(attempts).toEqual([{ outcome: 'sent', error_code: null }]);
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });

  test('Connection Closed on the tenant instance: the next candidate sends in the same attempt and the instance is marked disconnected', async ({
    env,
  }) => {
    const { sim, tenant, instanceIds } = await seedFleet(env, [
      { name: 'evo1', priority: 10, instances: [{ name: 'own-01', phone: '5511911110001', isPrimary: true }] },
      { name: 'evo2', priority: 5, instances: [{ name: 'shared-01', phone: '5511911110002', tenant: 'shared' }] },
    ]);
    sim.control.setInstanceFaults('evo1', 'own-01', { sendError: 'connection-closed' });
    const dispatcher = await startDispatcher(env, testConfig(env));
    try {
      const { notification } = await book(env, tenant.id);
      const row = await waitFor(async () => {
        const r = await statusOf(env, notification.id);
        return r.status === 'sent' && r;
      });
      expect(row.attempts).toBe(1);
      expect(row.whatsapp_instance_id).toBe(instanceIds['shared-01']);
      expect(sim.control.messages().map((m) => m.instance)).toEqual(['shared-01']);
      const [instance] = await env.db.sql`select status from whatsapp_instances where id = ${instanceIds['own-01']!}`;
      expect(instance!.status).toBe('disconnected');
      const attempts = await env.db
        .sql`select outcome, error_code, error_message from delivery_attempts where notification_id = ${notification.id} order by id`;
      // Operators read attempts (admin-api GET /v1/messages/:id): the reason is in pt-BR.
      expect(attempts).toEqual([
        {
          outcome: 'failed',
          error_code: 'INSTANCE_NOT_CONNECTED',
          error_message: expect.stringMatching(/^A instância .*own-01.* não está conectada ao WhatsApp$/),
        },
        { outcome: 'sent', error_code: null, error_message: null },
      ]);
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });

  test("a real server's 400 TypeError (an unpaired session, the number in its shared cache) is the instance's fault: failed over, not dead-lettered", async ({
    env,
  }) => {
    const { sim, tenant, instanceIds } = await seedFleet(env, [
      {
        name: 'evo1',
        priority: 10,
        instances: [
          { name: 'qr-01', phone: '5511911110001', isPrimary: true, sim: { state: 'connecting', session: 'unpaired' } },
        ],
      },
      { name: 'evo2', priority: 5, instances: [{ name: 'shared-01', phone: '5511911110002', tenant: 'shared' }] },
    ]);
    // Another instance of that server's database sent to this customer before.
    sim.control.cacheNumbers('evo1', ['5511987654321']);
    const dispatcher = await startDispatcher(env, testConfig(env));
    try {
      const { notification } = await book(env, tenant.id);
      const row = await waitFor(async () => {
        const r = await statusOf(env, notification.id);
        return r.status === 'sent' && r;
      });
      expect(row.whatsapp_instance_id).toBe(instanceIds['shared-01']);
      const attempts = await env.db
        .sql`select outcome, error_code, http_status from delivery_attempts where notification_id = ${notification.id} order by id`;
      expect(attempts).toEqual([
        { outcome: 'failed', error_code: 'INSTANCE_UNAVAILABLE', http_status: 400 },
        { outcome: 'sent', error_code: null, http_status: null },
      ]);
      const [instance] = await env.db.sql`select status from whatsapp_instances where id = ${instanceIds['qr-01']!}`;
      expect(instance!.status).toBe('disconnected');
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });

  test('a number not on WhatsApp fails after one attempt with a clear reason', async ({ env }) => {
    const { sim, tenant } = await seedFleet(env, [
      { name: 'evo1', instances: [{ name: 'own-01', phone: '5511911110001', isPrimary: true }] },
    ]);
    sim.control.markUnregistered(['5511955554444']);
    const dispatcher = await startDispatcher(env, testConfig(env));
    try {
      const { notification } = await book(env, tenant.id, { phone: '5511955554444' });
      const row = await waitFor(async () => {
        const r = await statusOf(env, notification.id);
        return r.status === 'failed' && r;
      });
      expect(row.attempts).toBe(1);
      expect(row.last_error_code).toBe('NUMBER_NOT_ON_WHATSAPP');
      expect(row.last_error_message).toMatch(/WhatsApp/);
      const attempts = await env.db
        .sql`select error_code, error_message from delivery_attempts where notification_id = ${notification.id}`;
      expect(attempts).toHaveLength(1);
      expect(attempts[0]!.error_code).toBe('NUMBER_NOT_ON_WHATSAPP');
      expect(attempts[0]!.error_message).toMatch(/^O número .* não tem WhatsApp$/);
      expect(attempts[0]!.error_message).toBe(row.last_error_message);
      const job = await dispatcher.queues.shards[0]!.getJob(notification.id);
      expect(await job?.getState()).toBe('failed');
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });

  test('the only sender offline: waiting costs no attempt, and once it is back the message goes out once', async ({
    env,
  }) => {
    const { sim, tenant, instanceIds } = await seedFleet(env, [
      {
        name: 'evo1',
        instances: [{ name: 'own-01', phone: '5511911110001', isPrimary: true, status: 'disconnected' }],
      },
    ]);
    const dispatcher = await startDispatcher(
      env,
      testConfig(env, { MAX_ATTEMPTS: '2', BACKOFF_BASE_MS: '50', SENDER_WAIT_MAX_MS: '200' }),
    );
    try {
      const { notification } = await book(env, tenant.id);
      // Many passes find no sender (far more than MAX_ATTEMPTS): none of them is an attempt.
      await waitFor(
        async () =>
          (await dispatcher.registry.getSingleMetric('dispatcher_sender_waits_total')?.get())!.values[0]!.value >= 5,
        {
          what: 'five passes without a sender',
        },
      );
      const waiting = await statusOf(env, notification.id);
      expect([waiting.status, waiting.attempts, waiting.last_error_code]).toEqual(['queued', 0, 'NO_SENDER_AVAILABLE']);
      expect(sim.control.messages()).toHaveLength(0);
      await env.db
        .sql`update whatsapp_instances set status = 'connected', status_changed_at = now() where id = ${instanceIds['own-01']!}`;
      await dispatcher.fleet.refresh();
      const row = await waitFor(async () => {
        const r = await statusOf(env, notification.id);
        return r.status === 'sent' && r;
      });
      expect(row.attempts).toBe(1);
      expect(sim.control.messages()).toHaveLength(1);
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });

  test('every sender failing: real attempts are spent with backoff, then the row is failed and kept visible', async ({
    env,
  }) => {
    const { sim, tenant } = await seedFleet(env, [
      { name: 'evo1', instances: [{ name: 'own-01', phone: '5511911110001', isPrimary: true }] },
    ]);
    sim.control.setServerFaults('evo1', { errorRate: 1, errorStatus: 503 });
    const dispatcher = await startDispatcher(
      env,
      testConfig(env, { MAX_ATTEMPTS: '3', BACKOFF_BASE_MS: '50', CIRCUIT_FAILURE_THRESHOLD: '100' }),
    );
    try {
      const { notification } = await book(env, tenant.id);
      const row = await waitFor(
        async () => {
          const r = await statusOf(env, notification.id);
          return r.status === 'failed' && r;
        },
        { timeoutMs: 10_000 },
      );
      expect([row.attempts, row.last_error_code, row.last_error_scope]).toEqual([3, 'SERVER_ERROR', 'server']);
      const attempts = await env.db
        .sql`select outcome from delivery_attempts where notification_id = ${notification.id}`;
      expect(attempts).toHaveLength(3);
      expect(await (await dispatcher.queues.shards[0]!.getJob(notification.id))?.getState()).toBe('failed');
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });
});
