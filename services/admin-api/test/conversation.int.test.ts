import { describe, expect } from 'vitest';
import { createNotificationQueues, createRedis } from '@bora/queue';
import { test, type TestEnv } from '@bora/testing';
import { auth, resetData, startAdminApi, type TestApp } from './helpers.ts';

const CUSTOMER = '5511987654321';
/** WhatsApp's JID for that number drops the 9th digit (older Brazilian accounts). */
const CUSTOMER_JID = '551187654321@s.whatsapp.net';

let keySeq = 0;
/** A customer's text as Evolution 2.3.6 posts it (Baileys 7 key, prepareMessage's flattening). */
function upsert(
  text: string,
  options: { jid?: string; lid?: boolean; keyId?: string; fromMe?: boolean; group?: boolean } = {},
) {
  const keyId = options.keyId ?? `3A${String(++keySeq).padStart(18, '0')}`;
  const pn = options.jid ?? CUSTOMER_JID;
  const key = options.group
    ? {
        remoteJid: '120363025246125244@g.us',
        fromMe: false,
        id: keyId,
        participant: '12345678901234@lid',
        participantAlt: pn,
        addressingMode: 'lid',
      }
    : options.lid
      ? {
          remoteJid: '98765432101234@lid',
          remoteJidAlt: pn,
          fromMe: options.fromMe ?? false,
          id: keyId,
          addressingMode: 'lid',
        }
      : {
          remoteJid: pn,
          remoteJidAlt: '98765432101234@lid',
          fromMe: options.fromMe ?? false,
          id: keyId,
          addressingMode: 'pn',
        };
  return {
    keyId,
    body: {
      event: 'messages.upsert',
      instance: 'acme-01',
      data: {
        key,
        pushName: 'Maria',
        status: 'DELIVERY_ACK',
        message: { conversation: text, messageContextInfo: { deviceListMetadataVersion: 2 } },
        contextInfo: { expiration: 0 },
        messageType: 'conversation',
        messageTimestamp: Math.floor(Date.now() / 1000),
        instanceId: 'b1c2',
        source: 'android',
      },
      date_time: new Date().toISOString(),
      sender: '5511900000001@s.whatsapp.net',
    },
  };
}

interface Fixture {
  t: TestApp;
  tenantId: string;
  serverId: string;
  instanceId: string;
  post(body: unknown): Promise<{ statusCode: number; result: string }>;
  say(text: string, options?: Parameters<typeof upsert>[1]): Promise<string>;
  booking(hoursAhead: number, phone?: string): Promise<{ id: string; code: string; reminderId: string }>;
  replies(): Promise<{ id: string; text: string; forced_instance_id: string | null; booking_id: string | null }[]>;
}

async function fixture(env: TestEnv): Promise<Fixture> {
  await resetData(env);
  const t = await startAdminApi(env);
  const server = (
    await t.app.inject({
      method: 'POST',
      url: '/v1/evolution-apis',
      headers: auth,
      payload: { name: 'evo1', url: 'http://evo1.example', apiKey: 'k' },
    })
  ).json();
  const hook = (await t.app.inject({ url: `/v1/evolution-apis/${server.id}/webhook`, headers: auth })).json();
  await t.app.inject({
    method: 'POST',
    url: '/v1/tenants',
    headers: auth,
    payload: { slug: 'acme', name: 'Barbearia Acme' },
  });
  const instance = (
    await t.app.inject({
      method: 'POST',
      url: '/v1/whatsapp-instances',
      headers: auth,
      payload: {
        evolutionApiId: server.id,
        instanceName: 'acme-01',
        phoneNumber: '11900000001',
        displayName: 'Acme',
        tenantSlug: 'acme',
        status: 'connected',
      },
    })
  ).json().instance;
  const [row] = await env.db.sql<{ id: string }[]>`select id from tenants where slug = 'acme'`;
  const post = async (body: unknown) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/webhooks/evolution/${server.id}`,
      headers: { 'x-bora-webhook-secret': hook.secret },
      payload: body as Record<string, unknown>,
    });
    return { statusCode: res.statusCode, result: res.json().result as string };
  };
  return {
    t,
    tenantId: row!.id,
    serverId: server.id,
    instanceId: instance.id,
    post,
    async say(text, options) {
      const message = upsert(text, options);
      const res = await post(message.body);
      expect(res.statusCode).toBe(200);
      return res.result;
    },
    async booking(hoursAhead, phone = CUSTOMER) {
      const [b] = await env.db.sql<{ id: string; code: string }[]>`
        insert into bookings (tenant_id, customer_name, customer_phone, service, starts_at, ends_at)
        values (${row!.id}, 'Maria', ${phone}, 'Corte', now() + ${hoursAhead} * interval '1 hour', now() + ${hoursAhead} * interval '1 hour' + interval '30 minutes')
        returning id, code`;
      await env.db.sql`
        insert into notifications (tenant_id, booking_id, kind, recipient, status, evolution_api_id, whatsapp_instance_id, message_id, sent_at)
        values (${row!.id}, ${b!.id}, 'confirmation', ${phone}, 'delivered', ${server.id}, ${instance.id}, ${'3EB0' + b!.code}, now())`;
      const [r] = await env.db.sql<{ id: string }[]>`
        insert into notifications (tenant_id, booking_id, kind, recipient, due_at)
        values (${row!.id}, ${b!.id}, 'reminder', ${phone}, now() + ${hoursAhead - 2} * interval '1 hour')
        returning id`;
      return { id: b!.id, code: b!.code, reminderId: r!.id };
    },
    replies: () =>
      env.db.sql<{ id: string; text: string; forced_instance_id: string | null; booking_id: string | null }[]>`
        select id, text, forced_instance_id, booking_id from notifications where kind = 'reply' order by created_at, id`,
  };
}

describe('customers answer on WhatsApp', () => {
  test('"2" cancels the booking through the one cancel path: reminder cancelled, the cancellation message is the one answer, from the same number', async ({
    env,
  }) => {
    const f = await fixture(env);
    const booking = await f.booking(48);
    expect(await f.say('2')).toBe('updated');
    const [b] = await env.db.sql`select status, cancel_reason from bookings where id = ${booking.id}`;
    expect(b).toEqual({ status: 'cancelled', cancel_reason: 'Cancelado pelo cliente no WhatsApp' });
    const [reminder] = await env.db.sql`select status from notifications where id = ${booking.reminderId}`;
    expect(reminder!.status).toBe('cancelled');
    const cancellations = await env.db
      .sql`select status, forced_instance_id, forced_evolution_api_id from notifications where booking_id = ${booking.id} and kind = 'cancellation'`;
    expect(cancellations).toEqual([
      { status: 'pending', forced_instance_id: f.instanceId, forced_evolution_api_id: f.serverId },
    ]);
    expect(await f.replies()).toEqual([]);
    // Its job is on the queue (the after-commit enqueue), so it goes now.
    const [cancellation] = await env.db.sql<
      { id: string }[]
    >`select id from notifications where booking_id = ${booking.id} and kind = 'cancellation'`;
    const redis = createRedis(env.redisUrl, 'producer');
    const queues = createNotificationQueues({ connection: redis, prefix: env.queuePrefix });
    expect(await queues.forTenant(f.tenantId).getJob(cancellation!.id)).toBeDefined();
    await queues.close();
    redis.disconnect();

    // Said again (a second "cancelar"): no booking left to cancel, no second cancellation.
    expect(await f.say('cancelar')).toBe('updated');
    const [{ n }] = (await env.db
      .sql`select count(*)::int as n from notifications where booking_id = ${booking.id} and kind = 'cancellation'`) as unknown as [
      { n: number },
    ];
    expect(n).toBe(1);
    const inbox = (await f.t.app.inject({ url: '/v1/inbox?state=all', headers: auth })).json().items;
    expect(inbox.map((m: { action: string }) => m.action)).toEqual(['inbox', 'cancelled']);
    expect(inbox[1]).toMatchObject({
      tenantSlug: 'acme',
      customerPhone: CUSTOMER,
      customerName: 'Maria',
      intent: 'cancel',
      bookingId: booking.id,
      instanceName: 'acme-01',
    });
    await f.t.close();
  });

  test('"sim" confirms attendance (shown to the business) and is answered once; a replayed webhook never acts twice', async ({
    env,
  }) => {
    const f = await fixture(env);
    const booking = await f.booking(30);
    const message = upsert('Sim, confirmo!');
    expect((await f.post(message.body)).result).toBe('updated');
    expect((await f.post(message.body)).result).toBe('unchanged');
    const agenda = (await f.t.app.inject({ url: '/v1/tenants/acme/bookings', headers: auth })).json().items;
    expect(agenda).toHaveLength(1);
    expect(agenda[0]).toMatchObject({
      id: booking.id,
      code: booking.code,
      status: 'confirmed',
      attendanceConfirmedVia: 'whatsapp',
    });
    expect(agenda[0].attendanceConfirmedAt).not.toBeNull();
    const replies = await f.replies();
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toMatch(/^Presença confirmada! Barbearia Acme te espera /);
    expect(replies[0]!.forced_instance_id).toBe(f.instanceId);
    // A second "ok" confirms nothing new and is not answered again.
    await f.say('ok');
    expect(await f.replies()).toHaveLength(1);
    await f.t.close();
  });

  test('"sair" cancels every owed message of that business to the number and blocks new ones until "voltar"; the business sees the opt-out', async ({
    env,
  }) => {
    const f = await fixture(env);
    const first = await f.booking(30);
    const manual = (
      await f.t.app.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: auth,
        payload: { tenantSlug: 'acme', to: CUSTOMER, text: 'Promoção' },
      })
    ).json();
    await env.db.sql`update notifications set due_at = now() + interval '1 hour' where id = ${manual.id}`;
    expect(await f.say('Não quero mais receber mensagens', { lid: true })).toBe('updated');
    const owed = await env.db
      .sql`select kind, status, last_error_code from notifications where kind <> 'reply' and kind <> 'confirmation' order by kind`;
    expect(owed).toEqual([
      { kind: 'manual', status: 'cancelled', last_error_code: 'OPTED_OUT' },
      { kind: 'reminder', status: 'cancelled', last_error_code: 'OPTED_OUT' },
    ]);
    const replies = await f.replies();
    expect(replies.map((r) => r.text)).toEqual([
      'Pronto: você não vai mais receber mensagens de Barbearia Acme por aqui. Se mudar de ideia, envie VOLTAR.',
    ]);
    // Said twice, confirmed once.
    await f.say('SAIR');
    expect(await f.replies()).toHaveLength(1);

    const optOuts = (await f.t.app.inject({ url: '/v1/tenants/acme/opt-outs', headers: auth })).json().items;
    expect(optOuts).toHaveLength(1);
    expect(optOuts[0]).toMatchObject({ phone: CUSTOMER, message: 'Não quero mais receber mensagens' });
    const events = await env.db.sql`select event, channel from consent_events order by created_at`;
    expect(events).toEqual([{ event: 'opt-out', channel: 'whatsapp' }]);
    // The booking itself stands (opting out of messages is not cancelling).
    const [b] = await env.db.sql`select status from bookings where id = ${first.id}`;
    expect(b!.status).toBe('confirmed');

    expect(await f.say('voltar')).toBe('updated');
    expect((await f.t.app.inject({ url: '/v1/tenants/acme/opt-outs', headers: auth })).json().items).toEqual([]);
    expect((await f.replies()).at(-1)!.text).toMatch(/^Combinado: você voltará a receber/);
    expect((await env.db.sql`select event from consent_events order by created_at`).map((e) => e.event)).toEqual([
      'opt-out',
      'opt-in',
    ]);
    // "voltar" from someone who never left is just a message for the business.
    await f.say('voltar');
    expect((await env.db.sql`select event from consent_events`).length).toBe(2);
    await f.t.close();
  });

  test('unknown text goes to the inbox with one help answer a day; the business marks it handled', async ({ env }) => {
    const f = await fixture(env);
    await f.booking(30);
    await f.say('Vocês aceitam cartão?');
    await f.say('E tem estacionamento?');
    const help = await f.replies();
    expect(help).toHaveLength(1);
    expect(help[0]!.text).toMatch(/^Para responder sobre o seu agendamento, envie: 1 para confirmar/);
    const open = (await f.t.app.inject({ url: '/v1/inbox?tenantSlug=acme', headers: auth })).json().items;
    expect(open.map((m: { text: string }) => m.text)).toEqual(['E tem estacionamento?', 'Vocês aceitam cartão?']);
    const handled = await f.t.app.inject({ method: 'POST', url: `/v1/inbox/${open[0].id}/handled`, headers: auth });
    expect(handled.statusCode).toBe(200);
    expect(handled.json().handledAt).not.toBeNull();
    expect((await f.t.app.inject({ url: '/v1/inbox?tenantSlug=acme', headers: auth })).json().items).toHaveLength(1);
    const missing = await f.t.app.inject({
      method: 'POST',
      url: '/v1/inbox/00000000-0000-4000-8000-000000000000/handled',
      headers: auth,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('INBOUND_MESSAGE_NOT_FOUND');
    await f.t.close();
  });

  test('several open bookings: the customer is asked which; the code in the answer picks one', async ({ env }) => {
    const f = await fixture(env);
    const a = await f.booking(30);
    const b = await f.booking(54);
    await f.say('2');
    const [asked] = await f.replies();
    expect(asked!.text).toContain(a.code);
    expect(asked!.text).toContain(b.code);
    expect((await env.db.sql`select count(*)::int as n from bookings where status = 'cancelled'`)[0]!.n).toBe(0);
    await f.say(`2 ${b.code.toLowerCase()}`);
    const statuses = await env.db.sql`select id, status from bookings order by starts_at`;
    expect(statuses).toEqual([
      { id: a.id, status: 'confirmed' },
      { id: b.id, status: 'cancelled' },
    ]);
    await f.t.close();
  });

  test('the wa.me message with the booking code confirms it and brings a waiting confirmation forward', async ({
    env,
  }) => {
    const f = await fixture(env);
    const [bk] = await env.db.sql<{ id: string; code: string }[]>`
      insert into bookings (tenant_id, customer_name, customer_phone, service, starts_at, ends_at)
      values (${f.tenantId}, 'Maria', ${CUSTOMER}, 'Corte', now() + interval '3 days', now() + interval '3 days 30 minutes') returning id, code`;
    const [waiting] = await env.db.sql<{ id: string }[]>`
      insert into notifications (tenant_id, booking_id, kind, recipient, due_at) values (${f.tenantId}, ${bk!.id}, 'confirmation', ${CUSTOMER}, now() + interval '5 minutes') returning id`;
    await f.say(`Olá! Quero confirmar meu agendamento ${bk!.code}`);
    const [b] = await env.db.sql`select attendance_confirmed_via from bookings where id = ${bk!.id}`;
    expect(b!.attendance_confirmed_via).toBe('whatsapp-code');
    const [c] = await env.db.sql<
      { due: boolean }[]
    >`select due_at <= now() as due from notifications where id = ${waiting!.id}`;
    expect(c!.due).toBe(true);
    await f.t.close();
  });

  test('not ours to act on: our own messages, groups, reactions, media without text, unknown instances', async ({
    env,
  }) => {
    const f = await fixture(env);
    await f.booking(30);
    expect(await f.say('2', { fromMe: true })).toBe('ignored');
    expect(await f.say('2', { group: true })).toBe('ignored');
    const reaction = upsert('👍');
    (reaction.body.data as Record<string, unknown>).messageType = 'reactionMessage';
    (reaction.body.data as Record<string, unknown>).message = { reactionMessage: { key: { id: 'X' }, text: '👍' } };
    expect((await f.post(reaction.body)).result).toBe('ignored');
    const image = upsert('');
    (image.body.data as Record<string, unknown>).message = { imageMessage: { mimetype: 'image/jpeg' } };
    expect((await f.post(image.body)).result).toBe('ignored');
    const stranger = upsert('2');
    stranger.body.instance = 'who-is-this';
    expect((await f.post(stranger.body)).result).toBe('unknown-instance');
    expect((await env.db.sql`select count(*)::int as n from bookings where status = 'cancelled'`)[0]!.n).toBe(0);
    expect((await env.db.sql`select count(*)::int as n from inbound_messages`)[0]!.n).toBe(0);
    // Nobody's number in the logs.
    expect(f.t.logs.join('\n')).not.toContain('87654321');
    await f.t.close();
  });

  test('a flood from one number gets few answers and loses no booking action; shuffled replays act once', async ({
    env,
  }) => {
    const f = await fixture(env);
    const booking = await f.booking(30);
    const chatter = Array.from({ length: 40 }, (_, i) => upsert(`mensagem ${i} qualquer coisa`));
    const cancel = upsert('quero cancelar');
    const all = [...chatter, cancel, ...chatter.slice(0, 10), cancel];
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    const results = await Promise.all(all.map((m) => f.post(m.body)));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    const [b] = await env.db.sql`select status from bookings where id = ${booking.id}`;
    expect(b!.status).toBe('cancelled');
    expect((await env.db.sql`select count(*)::int as n from notifications where kind = 'cancellation'`)[0]!.n).toBe(1);
    const replies = await f.replies();
    expect(replies.length).toBeLessThanOrEqual(6);
    expect(replies.filter((r) => r.text.startsWith('Para responder')).length).toBe(1);
    expect((await env.db.sql`select count(*)::int as n from inbound_messages`)[0]!.n).toBe(41);
    await f.t.close();
  });
});
