import { test, waitFor } from '@bora/testing';
import { describe, expect } from 'vitest';
import { book, seedFleet, seedSent, setNumberSafety, startDispatcher, testConfig } from './support.ts';

const RECEIPT_WINDOW_MS = 1_500;
const INTERVAL_MS = 300;
const customer = (i: number) => `55119876${String(60_000 + i).slice(1)}`;

describe('number health from delivery receipts', () => {
  test(
    'a number whose sends vanish is taken out of rotation within a bounded time, restarted (never logged out), and its waiting messages go through the business’s other number',
    { timeout: 60_000 },
    async ({ env }) => {
      const { sim, tenant, instanceIds } = await seedFleet(env, [
        {
          name: 'evo1',
          instances: [
            { name: 'own-a', phone: '5511911110001', isPrimary: true },
            { name: 'own-b', phone: '5511911110002' },
          ],
        },
      ]);
      const a = instanceIds['own-a']!;
      const b = instanceIds['own-b']!;
      // own-a sends one message a (simulated) minute; six customers talked with it before, and none
      // of those messages was ever delivered. own-b's were, so this server does send receipts.
      await setNumberSafety(env, a, { markedWarm: true, perMinute: 1 });
      await setNumberSafety(env, b, { markedWarm: true });
      for (let i = 0; i < 6; i++) await seedSent(env, tenant.id, a, customer(i), { msAgo: 0 });
      for (let i = 10; i < 13; i++) await seedSent(env, tenant.id, b, customer(i), { msAgo: 0, deliveredAfterMs: 100 });
      const seeded = Date.now();
      const dispatcher = await startDispatcher(
        env,
        testConfig(env, {
          NUMBER_SAFETY: 'true',
          SAFETY_TIME_SCALE: '60',
          TYPING_MAX_MS: '0',
          TYPING_MIN_MS: '0',
          HEALTH_RECEIPT_WINDOW_MS: String(RECEIPT_WINDOW_MS),
          HEALTH_INTERVAL_MS: String(INTERVAL_MS),
          HEALTH_MIN_SENDS: '5',
        }),
      );
      try {
        // Those six customers book again: sticky to own-a, which takes one a second.
        for (let i = 0; i < 6; i++) await book(env, tenant.id, { phone: customer(i) });
        await waitFor(async () => sim.control.messages().length === 6, { timeoutMs: 30_000, what: 'all six sent' });
        const viaA = sim.control.messages().filter((m) => m.instance === 'own-a');
        const viaB = sim.control.messages().filter((m) => m.instance === 'own-b');
        expect(viaA.length + viaB.length).toBe(6);
        expect(viaA.length).toBeGreaterThanOrEqual(1);
        expect(viaB.length).toBeGreaterThanOrEqual(3);
        // Out of rotation once its sends are judged (the receipt window) and the next passes ran.
        const bound = seeded + RECEIPT_WINDOW_MS + 3 * INTERVAL_MS + 1_000;
        for (const m of viaA) expect(m.receivedAt).toBeLessThanOrEqual(bound);
        const [health] = await env.db.sql<
          { state: string; reasons: { code: string }[] }[]
        >`select state, reasons from whatsapp_instance_health where whatsapp_instance_id = ${a}`;
        expect(['failing', 'degraded']).toContain(health!.state);
        const events = await env.db.sql<
          { kind: string }[]
        >`select kind from whatsapp_instance_events where whatsapp_instance_id = ${a}`;
        expect(events.map((e) => e.kind)).toContain('restarted');
        // Restarted, never logged out: the session is still paired and back open.
        const stateOfA = async () => {
          const res = await fetch(`${sim.serverUrl('evo1')}/instance/connectionState/own-a`, {
            headers: { apikey: 'key-evo1' },
          });
          return ((await res.json()) as { instance: { state?: string } }).instance.state;
        };
        await waitFor(async () => (await stateOfA()) === 'open', { what: 'own-a open again' });
        const [b1] = await env.db.sql<
          { state: string }[]
        >`select state from whatsapp_instance_health where whatsapp_instance_id = ${b}`;
        expect(b1!.state).toBe('healthy');
      } finally {
        await dispatcher.close();
        await sim.close();
      }
    },
  );
});
