import { waitFor, type TestEnv } from '@bora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TENANT } from '../src/demo-fleet.ts';
import type { Stack } from '../src/stack.ts';
import { ADMIN_TOKEN, startTestStack } from './support.ts';

// The whole system as real processes on free ports: booking-api, admin-api, dispatcher and the
// Evolution simulator, talking over HTTP, Postgres and Redis — no app.inject anywhere.
let env: TestEnv;
let stack: Stack;

beforeAll(async () => {
  ({ testEnv: env, stack } = await startTestStack());
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await env?.cleanup();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes are asserted below
type Json = any;
const json = async (res: Response | Promise<Response>): Promise<Json> => (await res).json();
const admin = (path: string) =>
  fetch(`${stack.urls.admin}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

describe('end to end', () => {
  it('a booking reaches the simulator, delivery webhooks move it to read, stats follow the fleet, and everything stops cleanly', async () => {
    const before = await json(admin('/v1/stats/usage'));
    expect(before.total_instances).toBe(4);
    expect(before.total_capacity).toBe(80);

    // The demo business has a catalogue: pick Barba, a free slot three days ahead, and book it.
    const shop = await json(fetch(`${stack.urls.booking}/v1/tenants/${DEMO_TENANT.slug}`));
    const barba = shop.services.find((s: { name: string }) => s.name === 'Barba');
    expect(shop.professionals.map((p: { name: string }) => p.name).sort()).toEqual(['Bia', 'Zé']);
    let slot: { startsAt: string; professionalId: string } | undefined;
    for (let days = 3; !slot && days < 10; days++) {
      const date = new Date(Date.now() - 3 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
      slot = (
        await json(
          fetch(`${stack.urls.booking}/v1/tenants/${DEMO_TENANT.slug}/slots?serviceId=${barba.id}&date=${date}`),
        )
      ).slots[0];
    }
    expect(slot).toBeDefined();
    const res = await fetch(`${stack.urls.booking}/v1/tenants/${DEMO_TENANT.slug}/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        customerName: 'Carla Dias',
        customerPhone: '(11) 98765-4321',
        serviceId: barba.id,
        startsAt: slot!.startsAt,
      }),
    });
    expect(res.status).toBe(201);
    const booking = await json(res);
    expect(booking).toMatchObject({ service: 'Barba', professional: 'Zé', professionalId: slot!.professionalId });
    const confirmation = booking.notifications.find((n: { kind: string }) => n.kind === 'confirmation');

    const message = await waitFor(
      async () => {
        const list = await json(fetch(`${stack.urls.sim}/__sim/messages`));
        const items = Array.isArray(list) ? list : list.messages;
        return items.find((m: { number: string }) => m.number === '5511987654321');
      },
      { timeoutMs: 20_000, what: 'sendText at the simulator' },
    );
    expect(message.instance).toBe('barbearia-do-ze-01');
    expect(message.text).toContain('Carla Dias');
    expect(message.text).toContain('Barba');

    await waitFor(
      async () => {
        const [row] = await env.db.sql`select status from notifications where id = ${confirmation.id}`;
        return row?.status === 'read';
      },
      { timeoutMs: 20_000, what: 'notification read via webhooks' },
    );

    // A WhatsApp reconnecting on its server reaches the stats through the connection webhook.
    await fetch(`${stack.urls.sim}/__sim/servers/evo2/instances/bora-compartilhado-04/state`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'open' }),
    });
    await waitFor(async () => (await json(admin('/v1/stats/usage'))).total_connected === before.total_connected + 1, {
      timeoutMs: 10_000,
      what: 'stats to count the reconnected WhatsApp',
    });

    await stack.stop();
    const codes = await Promise.all(stack.processes.map((p) => p.exited));
    expect(codes).toEqual([0, 0, 0, 0]);
  });
});
