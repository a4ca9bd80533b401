import { createDb } from '@bora/db';
import { createLogger } from '@bora/logger';
import { createNotificationQueues, createRedis, NOTIFICATIONS_QUEUE } from '@bora/queue';
import { Worker } from 'bullmq';
import { describe, expect } from 'vitest';
import { test, waitFor } from '@bora/testing';
import { buildApp } from '../src/app.ts';
import { auth, resetData, startAdminApi, type TestApp } from './helpers.ts';

async function setup(t: TestApp) {
  await t.app.inject({
    method: 'POST',
    url: '/v1/tenants',
    headers: auth,
    payload: { slug: 'meu-negocio', name: 'Meu Negócio' },
  });
  return (
    await t.app.inject({
      method: 'POST',
      url: '/v1/evolution-apis',
      headers: auth,
      payload: { name: 'evo1', url: 'http://evo1.example', apiKey: 'k' },
    })
  ).json() as { id: string };
}

describe('manual messages and the notifications ledger', () => {
  test('POST /v1/messages: 202, a manual row (normalised recipient, forced server, due now) and a pointer job', async ({
    env,
  }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    const server = await setup(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: auth,
      payload: { tenantSlug: 'meu-negocio', to: '(11) 98765-4321', text: 'Olá!', evolutionApiId: server.id },
    });
    expect(res.statusCode).toBe(202);
    const { id, status } = res.json();
    expect(status).toBe('queued');

    const [row] = await env.db
      .sql`select kind, booking_id, recipient, text, forced_evolution_api_id, status, due_at <= now() as due from notifications where id = ${id}`;
    expect(row).toMatchObject({
      kind: 'manual',
      booking_id: null,
      recipient: '5511987654321',
      text: 'Olá!',
      forced_evolution_api_id: server.id,
      status: 'pending',
      due: true,
    });
    const queue = createNotificationQueues({ connection: env.redis, prefix: env.queuePrefix }).shards[0]!;
    const job = await queue.getJob(id);
    expect(job?.data).toEqual({ notificationId: id });
    await queue.close();

    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: auth,
      payload: { tenantSlug: 'meu-negocio', to: '123', text: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('to');
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/v1/messages',
          headers: auth,
          payload: { tenantSlug: 'nada', to: '11987654321', text: 'x' },
        })
      ).json().error.code,
    ).toBe('TENANT_NOT_FOUND');
    const unknownServer = await t.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: auth,
      payload: {
        tenantSlug: 'meu-negocio',
        to: '11987654321',
        text: 'x',
        evolutionApiId: '00000000-0000-4000-8000-000000000000',
      },
    });
    expect(unknownServer.json().error.code).toBe('EVOLUTION_API_NOT_FOUND');
    await t.close();
  });

  test('when Redis is down the message is still accepted (202) and stays pending for the sweeper', async ({ env }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    await setup(t);
    await t.close();
    const config = t.config;
    const db = createDb(config.databaseUrl, { max: 2 });
    const redis = createRedis('redis://127.0.0.1:1', 'producer');
    const queues = createNotificationQueues({ connection: redis, prefix: env.queuePrefix });
    const app = await buildApp({ config, logger: createLogger({ name: 't', level: 'silent' }), db, redis, queues });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: auth,
      payload: { tenantSlug: 'meu-negocio', to: '11987654321', text: 'Olá' },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json().status).toBe('pending');
    const [row] = await env.db.sql`select status from notifications where id = ${res.json().id}`;
    expect(row!.status).toBe('pending');
    await app.close();
    await queues.close().catch(() => {});
    redis.disconnect();
    await db.close(1);
  });

  test('GET /v1/messages/:id shows server, instance, messageId, last error and every attempt; list filters; retry only failed ones', async ({
    env,
  }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    const server = await setup(t);
    const wa = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/whatsapp-instances',
        headers: auth,
        payload: { evolutionApiId: server.id, instanceName: 'acme-01', phoneNumber: '11987654321', displayName: 'A' },
      })
    ).json().instance;
    const [failed] = await env.db.sql<{ id: string }[]>`
      insert into notifications (tenant_id, kind, recipient, text, status, attempts, evolution_api_id, whatsapp_instance_id, last_error_code, last_error_message, failed_at, created_at)
      select id, 'manual', '5511900000001', 'x', 'failed', 6, ${server.id}, ${wa.id}, 'INSTANCE_NOT_CONNECTED', 'A instância não está conectada', now(), now() - interval '1 minute'
      from tenants where slug = 'meu-negocio' returning id`;
    await env.db.sql`
      insert into delivery_attempts (notification_id, attempt, evolution_api_id, whatsapp_instance_id, outcome, error_code, error_scope, error_message, http_status, latency_ms)
      values (${failed!.id}, 1, ${server.id}, ${wa.id}, 'failed', 'INSTANCE_NOT_CONNECTED', 'instance', 'Connection Closed', 400, 42),
             (${failed!.id}, 2, ${server.id}, ${wa.id}, 'failed', 'SERVER_ERROR', 'server', 'HTTP 500', 500, 17)`;
    const [sent] = await env.db.sql<{ id: string }[]>`
      insert into notifications (tenant_id, kind, recipient, text, status, evolution_api_id, whatsapp_instance_id, message_id, sent_at)
      select id, 'manual', '5511900000002', 'y', 'sent', ${server.id}, ${wa.id}, '3EB0ABC', now() from tenants where slug = 'meu-negocio' returning id`;

    const detail = (await t.app.inject({ url: `/v1/messages/${failed!.id}`, headers: auth })).json();
    expect(detail).toMatchObject({
      status: 'failed',
      tenantSlug: 'meu-negocio',
      evolutionApiName: 'evo1',
      instanceName: 'acme-01',
      lastError: { code: 'INSTANCE_NOT_CONNECTED', message: 'A instância não está conectada' },
      attemptCount: 6,
    });
    expect(detail.attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        outcome: 'failed',
        errorCode: 'INSTANCE_NOT_CONNECTED',
        errorScope: 'instance',
        httpStatus: 400,
        latencyMs: 42,
        evolutionApiName: 'evo1',
        instanceName: 'acme-01',
      }),
      expect.objectContaining({ attempt: 2, errorCode: 'SERVER_ERROR', httpStatus: 500 }),
    ]);
    expect((await t.app.inject({ url: `/v1/messages/${sent!.id}`, headers: auth })).json()).toMatchObject({
      status: 'sent',
      messageId: '3EB0ABC',
      lastError: null,
      attempts: [],
    });
    expect(
      (await t.app.inject({ url: '/v1/messages/00000000-0000-4000-8000-000000000000', headers: auth })).statusCode,
    ).toBe(404);

    const list = (await t.app.inject({ url: '/v1/notifications?tenantSlug=meu-negocio', headers: auth })).json();
    expect(list.items.map((i: { id: string }) => i.id)).toEqual([sent!.id, failed!.id]);
    const onlyFailed = (await t.app.inject({ url: '/v1/notifications?status=failed&limit=10', headers: auth })).json();
    expect(onlyFailed.items.map((i: { id: string }) => i.id)).toEqual([failed!.id]);
    expect((await t.app.inject({ url: '/v1/notifications?limit=1', headers: auth })).json().items).toHaveLength(1);

    const notFailed = await t.app.inject({ method: 'POST', url: `/v1/notifications/${sent!.id}/retry`, headers: auth });
    expect(notFailed.statusCode).toBe(409);
    expect(notFailed.json().error).toMatchObject({ code: 'NOTIFICATION_NOT_FAILED', details: { status: 'sent' } });

    // A dead letter whose old job is still in Redis (failed state) is re-queued for real.
    const queue = createNotificationQueues({ connection: env.redis, prefix: env.queuePrefix }).shards[0]!;
    const worker = new Worker(NOTIFICATIONS_QUEUE, async () => Promise.reject(new Error('dead letter')), {
      connection: env.redis.duplicate(),
      prefix: env.queuePrefix,
    });
    await queue.add('send', { notificationId: failed!.id }, { jobId: failed!.id });
    await waitFor(async () => (await queue.getJob(failed!.id))?.failedReason === 'dead letter', {
      what: 'the old job to fail',
    });
    await worker.close();
    const retried = await t.app.inject({ method: 'POST', url: `/v1/notifications/${failed!.id}/retry`, headers: auth });
    expect(retried.statusCode).toBe(202);
    expect(retried.json()).toEqual({ id: failed!.id, status: 'queued' });
    const [row] = await env.db
      .sql`select status, attempts, failed_at, due_at <= now() as due from notifications where id = ${failed!.id}`;
    // The answer says queued (Redis took the job); the row stays pending until a dispatcher claims it.
    expect(row).toMatchObject({ status: 'pending', attempts: 0, failed_at: null, due: true });
    expect(await (await queue.getJob(failed!.id))!.getState()).toBe('waiting');
    expect(
      (await t.app.inject({ method: 'POST', url: `/v1/notifications/${failed!.id}/retry`, headers: auth })).statusCode,
    ).toBe(409);
    await queue.close();
    await t.close();
  });
});
