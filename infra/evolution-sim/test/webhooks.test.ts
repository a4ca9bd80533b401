import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, sendText, startSim, until } from './helpers.ts';
import { startReceiver } from './receiver.ts';

let sim: Awaited<ReturnType<typeof startSim>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let base: string;

const setWebhook = (instance: string, webhook: Record<string, unknown>) =>
  call(base, 'POST', `/webhook/set/${instance}`, { body: { webhook } });

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startSim({ webhook: { ackDelaysMs: [30, 60, 90] } });
  base = sim.serverUrl('evo1');
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});
beforeEach(async () => {
  // Quiet first, so nothing from the previous test (or this setup) reaches the fresh receiver log.
  await setWebhook('acme-01', { enabled: false, url: receiver.url });
  sim.control.setInstanceState('evo1', 'acme-01', 'open');
  sim.control.reset();
  receiver.clear();
  receiver.respondWith(() => 200);
  await setWebhook('acme-01', {
    enabled: true,
    url: `${receiver.url}/hooks/evo1`,
    headers: { 'x-webhook-secret': 's3cret' },
    events: ['SEND_MESSAGE', 'MESSAGES_UPDATE', 'CONNECTION_UPDATE'],
  });
});

describe('webhook/set', () => {
  it('answers 201 with the stored row and validates the body', async () => {
    const res = await setWebhook('acme-02', {
      enabled: true,
      url: `${receiver.url}/x`,
      events: ['MESSAGES_UPDATE'],
      byEvents: false,
      base64: false,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      url: `${receiver.url}/x`,
      enabled: true,
      events: ['MESSAGES_UPDATE'],
      webhookByEvents: false,
      webhookBase64: false,
    });
    expect(await call(base, 'GET', '/webhook/find/acme-02')).toMatchObject({
      status: 200,
      body: { url: `${receiver.url}/x` },
    });
    expect(await call(base, 'POST', '/webhook/set/acme-02', { body: { url: 'x' } })).toMatchObject({
      status: 400,
      body: { response: { message: [['instance requires property "webhook"']] } },
    });
    expect((await setWebhook('acme-02', { enabled: true })).body).toMatchObject({
      response: { message: [['webhook requires property "url"']] },
    });
    // Any string is stored (and never posted to); without `events` the controller throws.
    expect(await setWebhook('acme-02', { enabled: true, url: 'not a url', events: [] })).toMatchObject({
      status: 201,
      body: { url: 'not a url' },
    });
    expect(await setWebhook('acme-02', { enabled: true, url: `${receiver.url}/x` })).toMatchObject({
      status: 500,
      body: {
        status: 500,
        error: 'Internal Server Error',
        response: { message: "Cannot read properties of undefined (reading 'length')" },
      },
    });
    const badEvent = await setWebhook('acme-02', {
      enabled: true,
      url: `${receiver.url}/x`,
      events: ['messages.update'],
    });
    expect((badEvent.body as { response: { message: string[][] } }).response.message[0]![0]).toMatch(
      /^webhook\.events\[0\] is not one of enum values: /,
    );
  });
});

describe('message webhooks', () => {
  it('posts send.message, then SERVER_ACK, DELIVERY_ACK, READ, with the envelope and configured headers', async () => {
    const sent = await sendText(base, 'acme-01', { number: '5541987654321', text: 'Olá!' });
    await until(() => receiver.received.length >= 4, 3_000);
    expect(receiver.events()).toEqual([
      'send.message',
      'messages.update:SERVER_ACK',
      'messages.update:DELIVERY_ACK',
      'messages.update:READ',
    ]);
    const [first, ack] = receiver.received;
    expect(first!.path).toBe('/hooks/evo1');
    expect(first!.headers['x-webhook-secret']).toBe('s3cret');
    expect(first!.headers['content-type']).toMatch(/application\/json/);
    expect(first!.body).toMatchObject({
      event: 'send.message',
      instance: 'acme-01',
      data: sent.body,
      destination: `${receiver.url}/hooks/evo1`,
      sender: '5511911112222@s.whatsapp.net',
      server_url: sim.serverUrl('evo1'),
      apikey: null,
    });
    expect(first!.body.date_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(ack!.body.data).toEqual({
      keyId: sent.body.key.id,
      remoteJid: '554187654321@s.whatsapp.net',
      fromMe: true,
      status: 'SERVER_ACK',
      instanceId: sent.body.instanceId,
      messageId: expect.stringMatching(/^cm[0-9a-z]+$/),
    });
    // The sim records a delivery once the receiver's answer is back, a moment after arrival.
    await until(() => sim.control.webhookDeliveries().filter((d) => d.ok).length === 4);
  });

  it('skips READ when emitRead is off, and events the instance did not subscribe to', async () => {
    sim.control.setWebhookOptions({ emitRead: false });
    await setWebhook('acme-01', { enabled: true, url: receiver.url, events: ['MESSAGES_UPDATE'] });
    await sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' });
    await new Promise((r) => setTimeout(r, 250));
    expect(receiver.events()).toEqual(['messages.update:SERVER_ACK', 'messages.update:DELIVERY_ACK']);
  });

  it('appends the kebab event name to the URL with byEvents, and sends nothing when disabled', async () => {
    await setWebhook('acme-01', { enabled: true, url: `${receiver.url}/wh`, byEvents: true, events: ['SEND_MESSAGE'] });
    await sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' });
    await until(() => receiver.received.length >= 1);
    expect(receiver.received[0]!.path).toBe('/wh/send-message');
    await setWebhook('acme-01', { enabled: false, url: `${receiver.url}/wh` });
    receiver.clear();
    await sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' });
    await new Promise((r) => setTimeout(r, 150));
    expect(receiver.received).toHaveLength(0);
  });

  it('sends every event twice at duplicateRate 1', async () => {
    sim.control.setWebhookOptions({ duplicateRate: 1 });
    await sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' });
    await until(() => receiver.received.length >= 8, 3_000);
    const events = receiver.events();
    for (const e of [
      'send.message',
      'messages.update:SERVER_ACK',
      'messages.update:DELIVERY_ACK',
      'messages.update:READ',
    ]) {
      expect(events.filter((x) => x === e)).toHaveLength(2);
    }
  });

  it('retries a failing target with backoff until it answers 2xx', async () => {
    receiver.respondWith((r, i) => (r.body.event === 'send.message' && i < 2 ? 503 : 200));
    await setWebhook('acme-01', { enabled: true, url: receiver.url, events: ['SEND_MESSAGE'] });
    await sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' });
    await until(() => sim.control.webhookDeliveries().some((d) => d.ok), 3_000);
    expect(sim.control.webhookDeliveries()).toEqual([
      { url: receiver.url, event: 'send.message', ok: false, attempt: 1 },
      { url: receiver.url, event: 'send.message', ok: false, attempt: 2 },
      { url: receiver.url, event: 'send.message', ok: true, attempt: 3 },
    ]);
  });

  it('gives up after maxAttempts, and at once on a 4xx the receiver means', async () => {
    sim.control.setWebhookOptions({ maxAttempts: 4, retryBaseMs: 5 });
    receiver.respondWith(() => 500);
    await setWebhook('acme-01', { enabled: true, url: receiver.url, events: ['SEND_MESSAGE'] });
    await sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' });
    await until(() => sim.control.webhookDeliveries().length >= 4, 3_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(sim.control.webhookDeliveries().map((d) => d.attempt)).toEqual([1, 2, 3, 4]);

    sim.control.reset();
    receiver.respondWith(() => 401);
    await sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' });
    await until(() => sim.control.webhookDeliveries().length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(sim.control.webhookDeliveries()).toEqual([
      { url: receiver.url, event: 'send.message', ok: false, attempt: 1 },
    ]);
  });

  it('never lets an unreachable target slow down or break sendText', async () => {
    await setWebhook('acme-01', { enabled: true, url: 'http://127.0.0.1:9/unreachable', events: [] });
    const res = await sendText(base, 'acme-01', { number: '5511987654321', text: 'oi' });
    expect(res.status).toBe(201);
    expect(res.ms).toBeLessThan(200);
    await until(() => sim.control.webhookDeliveries().length >= 2);
    expect(sim.control.webhookDeliveries()[0]).toMatchObject({ ok: false, attempt: 1 });
  });
});

describe('connection webhooks', () => {
  it('posts connection.update on state changes, and the logout sequence', async () => {
    await setWebhook('acme-01', { enabled: true, url: receiver.url, events: [] });
    // Back to back: one instance's events are delivered in order.
    sim.control.setInstanceState('evo1', 'acme-01', 'connecting');
    sim.control.setInstanceState('evo1', 'acme-01', 'open');
    sim.control.setInstanceState('evo1', 'acme-01', 'refused');
    await until(() => receiver.received.length >= 3);
    expect(receiver.received.map((r) => r.body.data)).toEqual([
      { instance: 'acme-01', state: 'connecting', statusReason: 200 },
      expect.objectContaining({
        instance: 'acme-01',
        state: 'open',
        statusReason: 200,
        wuid: '5511911112222@s.whatsapp.net',
      }),
      { instance: 'acme-01', state: 'refused', statusReason: 428 },
    ]);
    expect((await call(base, 'GET', '/instance/connectionState/acme-01')).body).toEqual({
      instance: { instanceName: 'acme-01', state: 'close' },
    });

    sim.control.setInstanceState('evo1', 'acme-01', 'open');
    await until(() => receiver.received.length >= 4);
    receiver.clear();
    await call(base, 'DELETE', '/instance/logout/acme-01');
    await until(() => receiver.received.length >= 3);
    expect(receiver.events()).toEqual(['status.instance', 'logout.instance', 'connection.update']);
    expect(receiver.received[0]!.body.data).toMatchObject({
      instance: 'acme-01',
      status: 'closed',
      disconnectionReasonCode: 401,
    });
    expect(receiver.received[1]!.body.data).toBeNull();
    expect(receiver.received[2]!.body.data).toEqual({ instance: 'acme-01', state: 'close', statusReason: 401 });
  });

  it('takes the webhook from the create body and emits the QR flow', async () => {
    await call(base, 'POST', '/instance/create', {
      body: {
        instanceName: 'hooked-01',
        integration: 'WHATSAPP-BAILEYS',
        qrcode: true,
        webhook: { url: receiver.url, byEvents: false, base64: false, events: ['CONNECTION_UPDATE', 'QRCODE_UPDATED'] },
      },
    });
    sim.control.setInstanceState('evo1', 'hooked-01', 'open');
    await until(() => receiver.events('hooked-01').length >= 3);
    expect(receiver.events('hooked-01')).toEqual(['connection.update', 'qrcode.updated', 'connection.update']);
    const [connecting, qr, open] = receiver.received.filter((r) => r.body.instance === 'hooked-01');
    expect(connecting!.body.data).toMatchObject({ state: 'connecting' });
    expect(open!.body.data).toMatchObject({ state: 'open' });
    expect(qr!.body.data).toMatchObject({
      qrcode: { instance: 'hooked-01', base64: expect.stringMatching(/^data:image\/png;base64,/) },
    });
  });
});
