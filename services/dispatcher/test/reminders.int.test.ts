import { test, waitFor } from '@bora/testing';
import { createLogger } from '@bora/logger';
import { describe, expect } from 'vitest';
import { buildApp } from '../src/app.ts';
import { book, seedFleet, startDispatcher, statusOf, testConfig } from './support.ts';

describe('dispatcher: reminders, cancellation and shutdown', () => {
  test('a reminder fires at its dueAt; a cancelled booking’s reminder never sends', async ({ env }) => {
    const { sim, tenant } = await seedFleet(env, [
      { name: 'evo1', instances: [{ name: 'own-01', phone: '5511911110001', isPrimary: true }] },
    ]);
    const dispatcher = await startDispatcher(env, testConfig(env));
    try {
      const dueAt = new Date(Date.now() + 1_200);
      const kept = await book(env, tenant.id, { kind: 'reminder', dueAt, phone: '5511987650001' });
      const dropped = await book(env, tenant.id, { kind: 'reminder', dueAt, phone: '5511987650002' });
      await env.db.sql`update bookings set status = 'cancelled' where id = ${dropped.booking.id}`;
      const row = await waitFor(
        async () => {
          const r = await statusOf(env, kept.notification.id);
          return r.status === 'sent' && r;
        },
        { timeoutMs: 8_000 },
      );
      expect(new Date(row.sent_at).getTime()).toBeGreaterThanOrEqual(dueAt.getTime() - 50);
      expect(row.text).toMatch(/^Olá, Ana Souza! Lembrete: Corte de cabelo em Barbearia do Zé/);
      await waitFor(async () => (await statusOf(env, dropped.notification.id)).status === 'cancelled');
      expect(sim.control.messages().map((m) => m.number)).toEqual(['5511987650001']);
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });

  test('shutdown lets an in-flight send finish and record its outcome', async ({ env }) => {
    const { sim, tenant } = await seedFleet(env, [
      { name: 'evo1', instances: [{ name: 'own-01', phone: '5511911110001', isPrimary: true }] },
    ]);
    sim.control.setServerFaults('evo1', { latencyMs: 800 });
    const dispatcher = await startDispatcher(env, testConfig(env));
    const { notification } = await book(env, tenant.id);
    await waitFor(async () => (await statusOf(env, notification.id)).status === 'sending', { what: 'claimed' });
    await dispatcher.close();
    expect((await statusOf(env, notification.id)).status).toBe('sent');
    expect(sim.control.messages()).toHaveLength(1);
    await sim.close();
  });

  test('/metrics exposes send counters and queue depth; /readyz checks Postgres and Redis', async ({ env }) => {
    const { sim } = await seedFleet(env, []);
    const config = testConfig(env);
    const dispatcher = await startDispatcher(env, config);
    const app = await buildApp({
      config,
      logger: createLogger({ name: 't', level: 'silent' }),
      db: env.db,
      redis: env.redis,
      metrics: dispatcher.registry,
    });
    try {
      expect((await app.inject('/readyz')).statusCode).toBe(200);
      const metrics = (await app.inject('/metrics')).body;
      expect(metrics).toContain('dispatcher_queue_depth');
      expect(metrics).toContain('dispatcher_send_duration_seconds');
    } finally {
      await app.close();
      await dispatcher.close();
      await sim.close();
    }
  });
});
