import { waitFor, type TestEnv } from '@bora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TENANT } from '../src/demo-fleet.ts';
import type { Stack } from '../src/stack.ts';
import { ADMIN_TOKEN, startTestStack } from './support.ts';

// Customers answering on WhatsApp, end to end: real processes, the simulator's customers typing
// into the business's number, the webhooks Evolution would post, and what comes back.
const INSTANCE = '/__sim/servers/evo1/instances/barbearia-do-ze-01';
let env: TestEnv;
let stack: Stack;

beforeAll(async () => {
  ({ testEnv: env, stack } = await startTestStack({
    // A tenant's settings changed through admin-api reach booking intake at once.
    TENANT_CACHE_TTL_MS: '0',
  }));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await env?.cleanup();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes are asserted below
type Json = any;
const admin = async (path: string, init: { method?: string; body?: unknown } = {}): Promise<Json> => {
  const res = await fetch(`${stack.urls.admin}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  return res.json();
};

const taken = new Set<string>();
/** Books the next free slot of the demo catalogue (Corte de cabelo, any professional) for `phone`. */
async function book(phone: string): Promise<Json> {
  const shop = (await (await fetch(`${stack.urls.booking}/v1/tenants/${DEMO_TENANT.slug}`)).json()) as Json;
  const service = shop.services.find((s: { name: string }) => s.name === 'Corte de cabelo');
  for (let days = 2; days < 30; days++) {
    const date = new Date(Date.now() - 3 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
    const { slots } = (await (
      await fetch(`${stack.urls.booking}/v1/tenants/${DEMO_TENANT.slug}/slots?serviceId=${service.id}&date=${date}`)
    ).json()) as Json;
    const slot = (slots as { startsAt: string }[]).find((x) => !taken.has(x.startsAt));
    if (!slot) continue;
    taken.add(slot.startsAt);
    const res = await fetch(`${stack.urls.booking}/v1/tenants/${DEMO_TENANT.slug}/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        customerName: 'Carla Dias',
        customerPhone: phone,
        serviceId: service.id,
        startsAt: slot.startsAt,
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return res.json();
  }
  throw new Error('no free slot in the demo catalogue');
}

/** Messages the simulator delivered to this number, oldest first. */
async function received(number: string): Promise<{ text: string; instance: string }[]> {
  const list = (await (await fetch(`${stack.urls.sim}/__sim/messages`)).json()) as Json;
  const items = (Array.isArray(list) ? list : list.messages) as { number: string; text: string; instance: string }[];
  return items.filter((m) => m.number === number);
}

async function customerSays(from: string, text: string): Promise<void> {
  const res = await fetch(`${stack.urls.sim}${INSTANCE}/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, text, pushName: 'Carla' }),
  });
  expect(res.status).toBe(201);
}

const nth = (number: string, count: number, what: string) =>
  waitFor(async () => ((await received(number)).length >= count ? (await received(number))[count - 1] : undefined), {
    timeoutMs: 20_000,
    what,
  });

const statusOf = async (id: string) =>
  ((await env.db.sql`select status, last_error_code from notifications where id = ${id}`)[0] ?? {}) as {
    status?: string;
    last_error_code?: string;
  };

describe('customers answer on WhatsApp, end to end', () => {
  it('"2" cancels: booking and reminder cancelled, one acknowledgement from the same number, the business sees it; "sim" confirms attendance', async () => {
    const phone = '5511987650001';
    const booking = await book('(11) 98765-0001');
    const confirmation = await nth(phone, 1, 'the confirmation');
    expect(confirmation.instance).toBe('barbearia-do-ze-01');
    expect(confirmation.text).toContain('Responda 1 para confirmar presença, 2 para cancelar');
    expect(confirmation.text).toMatch(new RegExp(`${stack.urls.booking}/${DEMO_TENANT.slug}/gerenciar/`));

    await customerSays(phone, '2');
    const ack = await nth(phone, 2, 'the cancellation as the acknowledgement');
    expect(ack.instance).toBe('barbearia-do-ze-01');
    expect(ack.text).toContain('foi cancelado');
    const view = (await (
      await fetch(`${stack.urls.booking}/v1/tenants/${DEMO_TENANT.slug}/bookings/${booking.id}`)
    ).json()) as Json;
    expect(view.status).toBe('cancelled');
    const reminders = view.notifications.filter((n: { kind: string }) => n.kind === 'reminder');
    expect(reminders.length).toBeGreaterThan(0);
    expect(reminders.every((n: { status: string }) => n.status === 'cancelled')).toBe(true);
    const inbox = await admin(`/v1/inbox?tenantSlug=${DEMO_TENANT.slug}&state=all`);
    expect(inbox.items[0]).toMatchObject({
      text: '2',
      intent: 'cancel',
      action: 'cancelled',
      bookingId: booking.id,
      instanceName: 'barbearia-do-ze-01',
    });
    const agenda = await admin(`/v1/tenants/${DEMO_TENANT.slug}/bookings?status=cancelled`);
    expect(agenda.items.map((b: { id: string }) => b.id)).toContain(booking.id);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await received(phone)).toHaveLength(2);

    const second = await book('(11) 98765-0001');
    await nth(phone, 3, 'the second confirmation');
    await customerSays(phone, 'Sim');
    const confirmed = await nth(phone, 4, 'the attendance acknowledgement');
    expect(confirmed.text).toMatch(/^Presença confirmada!/);
    const upcoming = await admin(`/v1/tenants/${DEMO_TENANT.slug}/bookings?status=confirmed`);
    const row = upcoming.items.find((b: { id: string }) => b.id === second.id);
    expect(row.attendanceConfirmedVia).toBe('whatsapp');
    expect(row.attendanceConfirmedAt).not.toBeNull();
  });

  it('"sair" stops every message of the business to that number until "voltar"', async () => {
    const phone = '5511987650002';
    const first = await book('(11) 98765-0002');
    await nth(phone, 1, 'the confirmation');
    await customerSays(phone, 'não quero mais receber mensagens');
    const stopped = await nth(phone, 2, 'the opt-out acknowledgement');
    expect(stopped.text).toMatch(/não vai mais receber mensagens de Barbearia do Zé/);
    // The first booking's reminders are cancelled; a new booking and a manual message go nowhere.
    for (const n of await env.db.sql<
      { id: string }[]
    >`select id from notifications where booking_id = ${first.id} and kind = 'reminder'`) {
      expect(await statusOf(n.id)).toEqual({ status: 'cancelled', last_error_code: 'OPTED_OUT' });
    }
    const later = await book('(11) 98765-0002');
    const manual = await admin('/v1/messages', {
      method: 'POST',
      body: { tenantSlug: DEMO_TENANT.slug, to: phone, text: 'Promoção de barba!' },
    });
    const laterConfirmation = later.notifications.find((n: { kind: string }) => n.kind === 'confirmation');
    await waitFor(
      async () =>
        (await statusOf(laterConfirmation.id)).status === 'cancelled' &&
        (await statusOf(manual.id)).status === 'cancelled',
      { timeoutMs: 20_000, what: 'messages to an opted-out number cancelled' },
    );
    expect((await statusOf(manual.id)).last_error_code).toBe('OPTED_OUT');
    expect(await received(phone)).toHaveLength(2);
    const optOuts = await admin(`/v1/tenants/${DEMO_TENANT.slug}/opt-outs`);
    expect(optOuts.items.map((o: { phone: string }) => o.phone)).toContain(phone);

    await customerSays(phone, 'voltar');
    expect((await nth(phone, 3, 'the opt-in acknowledgement')).text).toMatch(/voltará a receber/);
    await book('(11) 98765-0002');
    expect((await nth(phone, 4, 'a confirmation after "voltar"')).text).toContain('está confirmado');
  });

  it('the wa.me path: the customer writes first with the code; the booking is confirmed and the waiting confirmation goes into that chat', async () => {
    const tenant = await admin(`/v1/tenants/${DEMO_TENANT.slug}`, {
      method: 'PATCH',
      body: { confirmationWaitMinutes: 10 },
    });
    expect(tenant.confirmationWaitMinutes).toBe(10);
    const phone = '5511987650003';
    const booking = await book('(11) 98765-0003');
    const page = await (await fetch(`${stack.urls.booking}/${DEMO_TENANT.slug}/agendamentos/${booking.id}`)).text();
    const link = /href="(https:\/\/wa\.me\/[^"]+)"/.exec(page)?.[1];
    expect(link).toBeDefined();
    const text = new URL(link!.replace(/&amp;/g, '&')).searchParams.get('text')!;
    const code = booking.id.replace(/-/g, '').slice(0, 8).toUpperCase();
    expect(text).toBe(`Confirmo meu agendamento ${code}`);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await received(phone)).toHaveLength(0);

    await customerSays(phone, text);
    const first = await nth(phone, 1, 'a message after the customer wrote first');
    const all = await waitFor(async () => ((await received(phone)).length >= 2 ? received(phone) : undefined), {
      timeoutMs: 20_000,
      what: 'the acknowledgement and the confirmation',
    });
    expect(all.map((m) => m.text).some((t) => t.includes('está confirmado'))).toBe(true);
    expect(all.map((m) => m.text).some((t) => t.startsWith('Presença confirmada!'))).toBe(true);
    expect(first.instance).toBe('barbearia-do-ze-01');
    const [row] = await env.db.sql`select attendance_confirmed_via from bookings where id = ${booking.id}`;
    expect(row!.attendance_confirmed_via).toBe('whatsapp-code');
    await admin(`/v1/tenants/${DEMO_TENANT.slug}`, { method: 'PATCH', body: { confirmationWaitMinutes: 0 } });
  });
});
