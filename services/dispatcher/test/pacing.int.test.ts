import { test, waitFor } from '@bora/testing';
import { describe, expect } from 'vitest';
import { book, seedFleet, startDispatcher, testConfig } from './support.ts';

describe('dispatcher: pacing per WhatsApp instance', () => {
  test('20 messages for one instance at 200 ms pacing take ≥ 3.8 s; another instance is not held back', async ({ env }) => {
    const { sim, tenant } = await seedFleet(env, [
      { name: 'evo1', instances: [{ name: 'busy-01', phone: '5511911110001', isPrimary: true }] },
    ]);
    const other = await seedOtherTenant(env);
    sim.control.addInstance('evo1', { name: 'other-01' });
    const dispatcher = await startDispatcher(env, testConfig(env, { PACING_MIN_INTERVAL_MS: '200', PACING_JITTER_MS: '0' }));
    try {
      const started = Date.now();
      for (let i = 0; i < 20; i++) await book(env, tenant.id, { phone: `55119876${String(10000 + i).slice(1)}` });
      await book(env, other, { phone: '5511987659999' });
      await waitFor(async () => sim.control.messages().length === 21, { timeoutMs: 15_000, what: '21 messages' });
      const busy = sim.control.messages({ instance: 'busy-01' }).map((m) => m.receivedAt).sort((a, b) => a - b);
      const quick = sim.control.messages({ instance: 'other-01' });
      expect(busy).toHaveLength(20);
      expect(busy.at(-1)! - busy[0]!).toBeGreaterThanOrEqual(3_800 - 50);
      for (let i = 1; i < busy.length; i++) expect(busy[i]! - busy[i - 1]!).toBeGreaterThanOrEqual(150);
      // The other tenant's message went out at once, not after the busy instance's queue.
      expect(quick[0]!.receivedAt - started).toBeLessThan(1_500);
      const [row] = await env.db.sql`select max(attempts)::int as attempts from notifications`;
      expect(row!.attempts).toBe(1);
    } finally {
      await dispatcher.close();
      await sim.close();
    }
  });
});

async function seedOtherTenant(env: Parameters<typeof seedFleet>[0]): Promise<string> {
  const [server] = await env.db.sql`select id from evolution_apis limit 1`;
  const [tenant] = await env.db.sql`insert into tenants (slug, name) values ('outro', 'Outro Negócio') returning id`;
  await env.db.sql`
    insert into whatsapp_instances (evolution_api_id, tenant_id, instance_name, phone_number, display_name, status, is_primary)
    values (${server!.id}, ${tenant!.id}, 'other-01', '5511911112222', 'Outro', 'connected', true)`;
  return tenant!.id as string;
}
