import { FAST_TIMING, startSimulator, type RunningSimulator } from '@bora/evolution-sim';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { test } from '@bora/testing';
import { pollQuietInbound } from '../src/conversation/backstop.ts';
import { auth, resetData, startAdminApi } from './helpers.ts';

const SIM_KEY = 'sim-key-backstop-0123456789';
const CUSTOMER = '5511987654321';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    timing: FAST_TIMING,
    servers: [
      { name: 'evo1', apiKey: SIM_KEY, instances: [{ name: 'acme-01', state: 'open', ownerNumber: '5511900000001' }] },
    ],
  });
});
afterAll(() => sim.close());

describe('the inbound backstop', () => {
  test('a reply Evolution stored but never posted is found by polling and acted on once; a quiet number with nothing sent is not polled', async ({
    env,
  }) => {
    await resetData(env);
    const t = await startAdminApi(env);
    const server = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/evolution-apis',
        headers: auth,
        payload: { name: 'evo1', url: sim.serverUrl('evo1'), apiKey: SIM_KEY },
      })
    ).json();
    await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: auth, payload: { slug: 'acme', name: 'Acme' } });
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
    const [tenant] = await env.db.sql<{ id: string }[]>`select id from tenants where slug = 'acme'`;
    const [booking] = await env.db.sql<{ id: string }[]>`
      insert into bookings (tenant_id, customer_name, customer_phone, service, starts_at, ends_at)
      values (${tenant!.id}, 'Maria', ${CUSTOMER}, 'Corte', now() + interval '2 days', now() + interval '2 days 30 minutes') returning id`;

    // Nothing sent from the number yet: no reply expected, no poll.
    expect((await pollQuietInbound(t.deps)).instances).toBe(0);

    await env.db.sql`
      insert into notifications (tenant_id, booking_id, kind, recipient, status, evolution_api_id, whatsapp_instance_id, message_id, sent_at)
      values (${tenant!.id}, ${booking!.id}, 'confirmation', ${CUSTOMER}, 'delivered', ${server.id}, ${instance.id}, '3EB0CONF', now() - interval '1 hour')`;
    // The known bug: the session is fine, the message is stored, no messages.upsert is posted.
    sim.control.setInstanceFaults('evo1', 'acme-01', { silentInbound: true });
    const said = sim.control.inbound('evo1', 'acme-01', { from: CUSTOMER, text: 'Quero cancelar' });
    expect(said.posted).toBe(false);
    sim.control.inbound('evo1', 'acme-01', { from: '5521999990000', text: '👍', kind: 'reaction' });

    const first = await pollQuietInbound(t.deps);
    expect(first).toEqual({ instances: 1, recovered: 1, failed: 0 });
    const [row] = await env.db.sql`select status from bookings where id = ${booking!.id}`;
    expect(row!.status).toBe('cancelled');
    const [message] = await env.db.sql`select message_key, action from inbound_messages`;
    expect(message).toEqual({ message_key: said.keyId, action: 'cancelled' });

    // Polled a moment ago: skipped; polled again anyway (a new window), the message is not acted on twice.
    expect((await pollQuietInbound(t.deps)).instances).toBe(0);
    await env.db.sql`update whatsapp_instances set inbound_polled_at = null`;
    expect(await pollQuietInbound(t.deps)).toEqual({ instances: 1, recovered: 0, failed: 0 });
    expect((await env.db.sql`select count(*)::int as n from notifications where kind = 'cancellation'`)[0]!.n).toBe(1);

    // A webhook arriving late for the same message changes nothing either.
    const late = await t.app.inject({
      method: 'POST',
      url: `/webhooks/evolution/${server.id}`,
      headers: {
        'x-bora-webhook-secret': (
          await t.app.inject({ url: `/v1/evolution-apis/${server.id}/webhook`, headers: auth })
        ).json().secret,
      },
      payload: { event: 'messages.upsert', instance: 'acme-01', data: said.data },
    });
    expect(late.json().result).toBe('unchanged');
    await t.close();
  });
});
