import { createNotificationQueues } from '@bora/queue';
import { describe, expect } from 'vitest';
import { test } from '@bora/testing';
import { auth, resetData, startAdminApi, type TestApp } from './helpers.ts';

const LOCK_MS = 60_000;

async function fleet(t: TestApp) {
  const server = (
    await t.app.inject({
      method: 'POST',
      url: '/v1/evolution-apis',
      headers: auth,
      payload: { name: 'evo1', url: 'http://evo1.example', apiKey: 'k' },
    })
  ).json();
  const hook = (await t.app.inject({ url: `/v1/evolution-apis/${server.id}/webhook`, headers: auth })).json();
  await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: auth, payload: { slug: 'acme', name: 'Acme' } });
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/whatsapp-instances',
    headers: auth,
    payload: {
      evolutionApiId: server.id,
      instanceName: 'acme-01',
      phoneNumber: '11987654321',
      displayName: 'Acme',
      status: 'connected',
      tenantSlug: 'acme',
    },
  });
  const post = (payload: unknown) =>
    t.app.inject({
      method: 'POST',
      url: `/webhooks/evolution/${server.id}`,
      headers: { 'x-bora-webhook-secret': hook.secret },
      payload: payload as Record<string, unknown>,
    });
  return { server, instance: created.json().instance, post };
}

/** A message the dispatcher recorded as sent from that number (tests may write rows directly). */
async function sent(
  t: TestApp,
  env: Parameters<typeof resetData>[0],
  serverId: string,
  instanceId: string,
  recipient: string,
  keyId: string,
  msAgo = 1_000,
) {
  const [tenant] = await env.db.sql<{ id: string }[]>`select id from tenants where slug = 'acme'`;
  const [row] = await env.db.sql<{ id: string }[]>`
    insert into notifications (tenant_id, kind, recipient, text, status, attempts, evolution_api_id, whatsapp_instance_id, message_id, sent_at)
    values (${tenant!.id}, 'manual', ${recipient}, 'Olá', 'sent', 1, ${serverId}, ${instanceId}, ${keyId}, now() - ${msAgo} * interval '1 millisecond')
    returning id`;
  return row!.id;
}

const error = (keyId: string, remoteJid: string) => ({
  event: 'messages.update',
  instance: 'acme-01',
  data: { keyId, remoteJid, fromMe: true, status: 'ERROR', instanceId: 'x' },
});

describe('number safety from Evolution’s webhooks', () => {
  test('an ERROR receipt on a first contact is the reach-out lock: the message goes back in line, first contacts from that number pause; a burst of them is one lock', async ({
    env,
  }) => {
    await resetData(env);
    const t = await startAdminApi(env, { REACHOUT_LOCK_MS: String(LOCK_MS) });
    const { server, instance, post } = await fleet(t);
    const queue = createNotificationQueues({ connection: env.redis, prefix: env.queuePrefix });
    try {
      const id = await sent(t, env, server.id, instance.id, '5511955550001', '3EB0AAAA0001');
      const res = await post(error('3EB0AAAA0001', '5511955550001@s.whatsapp.net'));
      expect(res.json()).toEqual({ ok: true, event: 'messages.update', result: 'updated' });
      const [row] = await env.db
        .sql`select status, message_id, sent_at, last_error_code from notifications where id = ${id}`;
      expect(row).toEqual({ status: 'queued', message_id: null, sent_at: null, last_error_code: 'WHATSAPP_REFUSED' });
      expect((await queue.shards[0]!.getJob(id))?.id).toBe(id);
      const [locked] = await env.db.sql<{ until_ms: number; reachout_locks: number }[]>`
        select extract(epoch from reachout_locked_until - now()) * 1000 as until_ms, reachout_locks from whatsapp_instances where id = ${instance.id}`;
      expect(locked!.reachout_locks).toBe(1);
      expect(Number(locked!.until_ms)).toBeGreaterThan(LOCK_MS - 5_000);
      expect(Number(locked!.until_ms)).toBeLessThanOrEqual(LOCK_MS);
      // Replayed: nothing moves twice. Another first contact refused in the same burst: same lock.
      expect((await post(error('3EB0AAAA0001', '5511955550001@s.whatsapp.net'))).json().result).toBe('unmatched');
      await sent(t, env, server.id, instance.id, '5511955550002', '3EB0AAAA0002');
      await post(error('3EB0AAAA0002', '5511955550002@s.whatsapp.net'));
      const [still] = await env.db.sql`select reachout_locks from whatsapp_instances where id = ${instance.id}`;
      expect(still!.reachout_locks).toBe(1);
      // Once it ran out, the next lock lasts twice as long.
      await env.db
        .sql`update whatsapp_instances set reachout_locked_until = now() - interval '1 second' where id = ${instance.id}`;
      await sent(t, env, server.id, instance.id, '5511955550003', '3EB0AAAA0003');
      await post(error('3EB0AAAA0003', '5511955550003@s.whatsapp.net'));
      const [again] = await env.db.sql<{ until_ms: number; reachout_locks: number }[]>`
        select extract(epoch from reachout_locked_until - now()) * 1000 as until_ms, reachout_locks from whatsapp_instances where id = ${instance.id}`;
      expect(again!.reachout_locks).toBe(2);
      expect(Number(again!.until_ms)).toBeGreaterThan(2 * LOCK_MS - 5_000);
      const events = await env.db
        .sql`select kind, code from whatsapp_instance_events where whatsapp_instance_id = ${instance.id} order by id`;
      expect(events).toEqual([
        { kind: 'reachout-refused', code: 463 },
        { kind: 'reachout-refused', code: 463 },
        { kind: 'reachout-refused', code: 463 },
      ]);
    } finally {
      await queue.close();
      await t.close();
    }
  });

  test('an ERROR in a warm chat is a refused send, not a lock: the message goes back in line and the number keeps reaching out', async ({
    env,
  }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    const { server, instance, post } = await fleet(t);
    await sent(t, env, server.id, instance.id, '5511955550009', '3EB0BBBB0001', 3_600_000);
    const id = await sent(t, env, server.id, instance.id, '5511955550009', '3EB0BBBB0002');
    expect((await post(error('3EB0BBBB0002', '5511955550009@s.whatsapp.net'))).json().result).toBe('updated');
    expect((await env.db.sql`select status from notifications where id = ${id}`)[0]!.status).toBe('queued');
    const [w] = await env.db.sql`select reachout_locked_until from whatsapp_instances where id = ${instance.id}`;
    expect(w!.reachout_locked_until).toBeNull();
    expect(await env.db.sql`select kind from whatsapp_instance_events`).toEqual([{ kind: 'send-refused' }]);
    await t.close();
  });

  test('disconnects, ended sessions and logouts are recorded once per change, for the number’s health', async ({
    env,
  }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    const { instance, post } = await fleet(t);
    await post({ event: 'connection.update', instance: 'acme-01', data: { state: 'close', statusReason: 428 } });
    await post({ event: 'connection.update', instance: 'acme-01', data: { state: 'close', statusReason: 428 } });
    await post({ event: 'connection.update', instance: 'acme-01', data: { state: 'open' } });
    await post({
      event: 'status.instance',
      instance: 'acme-01',
      data: { status: 'closed', disconnectionReasonCode: 401 },
    });
    await post({ event: 'logout.instance', instance: 'acme-01', data: null });
    const events = await env.db
      .sql`select kind, code from whatsapp_instance_events where whatsapp_instance_id = ${instance.id} order by id`;
    expect(events).toEqual([
      { kind: 'disconnected', code: 428 },
      { kind: 'session-refused', code: 401 },
    ]);
    await t.close();
  });
});

describe('number safety on the admin API', () => {
  test('PATCH sets a number’s own budgets (null = default) and marks it warm; GET shows age, budgets, health, lock', async ({
    env,
  }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    const { instance } = await fleet(t);
    const patch = (payload: Record<string, unknown>) =>
      t.app.inject({ method: 'PATCH', url: `/v1/whatsapp-instances/${instance.id}`, headers: auth, payload });
    const res = await patch({ budget: { perMinute: 4, perDay: 300 }, markedWarm: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().safety).toMatchObject({
      ageDays: 0,
      budget: { perMinute: 4, perHour: null, perDay: 300, newContactsPerDay: null },
      reachoutLock: null,
      health: null,
      relink: null,
    });
    expect(res.json().safety.markedWarmAt).not.toBeNull();
    const reset = (await patch({ budget: { perMinute: null }, markedWarm: false })).json().safety;
    expect(reset.budget).toEqual({ perMinute: null, perHour: null, perDay: 300, newContactsPerDay: null });
    expect(reset.markedWarmAt).toBeNull();
    const zero = await patch({ budget: { perHour: 0 } });
    expect(zero.statusCode).toBe(400);
    expect(zero.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'budget.perHour' }] });

    await env.db.sql`
      insert into whatsapp_instance_health (whatsapp_instance_id, score, state, reasons, stats)
      values (${instance.id}, 30, 'failing', ${JSON.stringify([{ code: 'sends-vanish', text: '6 envios sem nenhuma confirmação de entrega em 10 min: as mensagens estão sumindo', penalty: 70 }])}::jsonb, '{"judgedSends":6}'::jsonb)`;
    await env.db
      .sql`update whatsapp_instances set reachout_locked_until = now() + interval '1 hour', reachout_locks = 1, created_at = now() - interval '3 days' where id = ${instance.id}`;
    const listed = (await t.app.inject({ url: '/v1/whatsapp-instances', headers: auth })).json().items[0].safety;
    expect(listed).toMatchObject({
      ageDays: 3,
      health: { score: 30, state: 'failing', reasons: [{ code: 'sends-vanish' }] },
      reachoutLock: { locks: 1 },
    });
    await t.close();
  });

  test('a business’s owner phone is normalised, can be cleared, and a bad one is a pt-BR 400', async ({ env }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: auth, payload: { slug: 'acme', name: 'Acme' } });
    const patch = (ownerPhone: unknown) =>
      t.app.inject({ method: 'PATCH', url: '/v1/tenants/acme', headers: auth, payload: { ownerPhone } });
    expect((await patch('(11) 98888-7777')).json().ownerPhone).toBe('5511988887777');
    const bad = await patch('123');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'ownerPhone' }] });
    expect((await patch(null)).json().ownerPhone).toBeNull();
    await t.close();
  });
});
