import { describe, expect } from 'vitest';
import { test } from '@bora/testing';
import { auth, resetData, startAdminApi, type TestApp } from './helpers.ts';

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
    },
  });
  return { server, secret: hook.secret as string, instance: created.json().instance };
}

describe('Evolution webhooks', () => {
  test('connection.update / logout.instance / status.instance move the instance status; unknown instances are acknowledged', async ({
    env,
  }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    const { server, secret, instance } = await fleet(t);
    const post = (payload: unknown, headers: Record<string, string> = { 'x-bora-webhook-secret': secret }) =>
      t.app.inject({
        method: 'POST',
        url: `/webhooks/evolution/${server.id}`,
        headers,
        payload: payload as Record<string, unknown>,
      });
    const statusNow = async () =>
      (await t.app.inject({ url: `/v1/whatsapp-instances/${instance.id}`, headers: auth })).json().status;

    const close = await post({
      event: 'connection.update',
      instance: 'acme-01',
      data: { instance: 'acme-01', state: 'close', statusReason: 428 },
      date_time: '2099-01-01T00:00:00Z',
    });
    expect(close.statusCode).toBe(200);
    expect(close.json()).toEqual({ ok: true, event: 'connection.update', result: 'updated' });
    expect(await statusNow()).toBe('disconnected');
    expect(
      (await post({ event: 'connection.update', instance: 'acme-01', data: { state: 'close' } })).json().result,
    ).toBe('unchanged');

    // UPPER_SNAKE names and the `?secret=` form operators paste both work.
    const open = await t.app.inject({
      method: 'POST',
      url: `/webhooks/evolution/${server.id}?secret=${encodeURIComponent(secret)}`,
      payload: { event: 'CONNECTION_UPDATE', instance: 'acme-01', data: { state: 'open' } },
    });
    expect(open.json().result).toBe('updated');
    expect(await statusNow()).toBe('connected');
    await post({ event: 'connection.update', instance: 'acme-01', data: { state: 'connecting' } });
    expect(await statusNow()).toBe('connecting');
    await post({ event: 'connection.update', instance: 'acme-01', data: { state: 'refused' } });
    expect(await statusNow()).toBe('disconnected');
    await post({ event: 'connection.update', instance: 'acme-01', data: { state: 'open' } });
    await post({ event: 'logout.instance', instance: 'acme-01', data: null });
    expect(await statusNow()).toBe('disconnected');
    await post({ event: 'connection.update', instance: 'acme-01', data: { state: 'open' } });
    await post({
      event: 'status.instance',
      instance: 'acme-01',
      data: { instance: 'acme-01', status: 'closed', disconnectionReasonCode: 401 },
    });
    expect(await statusNow()).toBe('disconnected');

    const stranger = await post({ event: 'connection.update', instance: 'who-is-this', data: { state: 'open' } });
    expect(stranger.statusCode).toBe(200);
    expect(stranger.json().result).toBe('unknown-instance');
    expect(t.logs.some((l) => l.includes('webhook for an instance we do not know'))).toBe(true);
    // send.message is evidence for an unconfirmed send; one that matches nothing is acknowledged.
    expect(
      (await post({ event: 'send.message', instance: 'acme-01', data: { key: { id: '3EB0X' } } })).json().result,
    ).toBe('unmatched');
    expect((await post({ event: 'qrcode.updated', instance: 'acme-01', data: {} })).json()).toMatchObject({
      ok: true,
      result: 'ignored',
    });

    // A secret pasted in the URL never reaches the request log.
    expect(t.logs.join('\n')).not.toContain(secret);
    expect(t.logs.join('\n')).toContain('secret=[redacted]');
    await t.close();
  });

  test('wrong or missing secret → 401; another server’s secret does not work either', async ({ env }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    const { server, secret } = await fleet(t);
    const other = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/evolution-apis',
        headers: auth,
        payload: { name: 'evo2', url: 'http://evo2.example', apiKey: 'k' },
      })
    ).json();
    const payload = { event: 'connection.update', instance: 'acme-01', data: { state: 'close' } };
    for (const [url, headers] of [
      [`/webhooks/evolution/${server.id}`, { 'x-bora-webhook-secret': 'wrong' }],
      [`/webhooks/evolution/${server.id}`, {}],
      [`/webhooks/evolution/${other.id}`, { 'x-bora-webhook-secret': secret }],
      [`/webhooks/evolution/00000000-0000-4000-8000-000000000000`, { 'x-bora-webhook-secret': secret }],
    ] as const) {
      const res = await t.app.inject({ method: 'POST', url, headers, payload });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe('INVALID_WEBHOOK_SECRET');
    }
    const [row] = await env.db.sql`select status from whatsapp_instances where instance_name = 'acme-01'`;
    expect(row!.status).toBe('connected');
    await t.close();
  });

  test('messages.update only moves forward: sent → delivered → read; a replayed DELIVERY_ACK after READ changes nothing', async ({
    env,
  }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    const { server, secret, instance } = await fleet(t);
    await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: auth, payload: { slug: 'acme', name: 'Acme' } });
    const [n] = await env.db.sql<{ id: string }[]>`
      insert into notifications (tenant_id, kind, recipient, text, status, evolution_api_id, whatsapp_instance_id, message_id, sent_at)
      select id, 'manual', '5511987654321', 'Olá', 'sent', ${server.id}, ${instance.id}, '3EB0AAAA1111', now() from tenants where slug = 'acme'
      returning id`;
    const post = (data: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: `/webhooks/evolution/${server.id}`,
        headers: { 'x-bora-webhook-secret': secret },
        payload: { event: 'messages.update', instance: 'acme-01', data },
      });
    const view = async () => (await t.app.inject({ url: `/v1/messages/${n!.id}`, headers: auth })).json();

    expect((await post({ keyId: '3EB0AAAA1111', status: 'SERVER_ACK', fromMe: true })).json().result).toBe('ignored');
    expect((await view()).status).toBe('sent');
    expect((await post({ keyId: '3EB0AAAA1111', status: 'DELIVERY_ACK', fromMe: true })).json().result).toBe('updated');
    const delivered = await view();
    expect(delivered.status).toBe('delivered');
    expect(delivered.deliveredAt).not.toBeNull();
    expect((await post({ keyId: '3EB0AAAA1111', status: 'READ' })).json().result).toBe('updated');
    const read = await view();
    expect(read.status).toBe('read');
    expect(read.readAt).not.toBeNull();
    expect(read.deliveredAt).toBe(delivered.deliveredAt);

    // Evolution retries webhooks: the replay is acknowledged and changes nothing.
    const replay = await post({ keyId: '3EB0AAAA1111', status: 'DELIVERY_ACK' });
    expect(replay.statusCode).toBe(200);
    expect(replay.json().result).toBe('unchanged');
    expect((await view()).status).toBe('read');
    // v1 shape (`id` instead of `keyId`) and PLAYED are understood; unknown ids are acknowledged.
    expect((await post({ id: '3EB0AAAA1111', status: 'PLAYED' })).json().result).toBe('unchanged');
    expect((await post({ keyId: '3EB0FFFF', status: 'READ' })).json().result).toBe('unmatched');

    // A receipt that overtakes the record of its send (a send to that chat is still in flight,
    // WhatsApp's JID without the 9th digit) gets 425, so Evolution posts it again later.
    await env.db.sql`
      insert into notifications (tenant_id, kind, recipient, text, status, lease_until)
      select id, 'manual', '5521987650000', 'Oi', 'sending', now() + interval '1 minute' from tenants where slug = 'acme'`;
    const early = await post({
      keyId: '3EB0BBBB2222',
      remoteJid: '552187650000@s.whatsapp.net',
      fromMe: true,
      status: 'DELIVERY_ACK',
    });
    expect(early.statusCode).toBe(425);
    expect(early.json().error.code).toBe('RECEIPT_TOO_EARLY');
    expect(
      (await post({ keyId: '3EB0CCCC3333', remoteJid: '5521900000000@s.whatsapp.net', status: 'READ' })).json().result,
    ).toBe('unmatched');
    await t.close();
  });
});
