import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_WEBHOOK_RETRIES } from '../src/index.ts';
import { call, sendText, startSim, until } from './helpers.ts';
import { startReceiver } from './receiver.ts';

// Evolution's retryWebhookRequest: base × 2^(n-1), capped, ± jitter, never below the base.
let sim: Awaited<ReturnType<typeof startSim>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const arrivals: number[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
  receiver.respondWith(() => {
    arrivals.push(Date.now());
    return 503;
  });
  sim = await startSim();
  await call(sim.serverUrl('evo1'), 'POST', '/webhook/set/acme-01', {
    body: { webhook: { enabled: true, url: receiver.url, events: ['SEND_MESSAGE'] } },
  });
});
afterAll(async () => {
  await sim.close();
  await receiver.close();
});

const gaps = () => arrivals.slice(1).map((t, i) => t - arrivals[i]!);

describe('webhook retries', () => {
  it('double from retryBaseMs up to retryMaxMs', async () => {
    arrivals.length = 0;
    sim.control.setWebhookOptions({ retryBaseMs: 60, retryMaxMs: 150, retryJitter: 0, maxAttempts: 5 });
    await sendText(sim.serverUrl('evo1'), 'acme-01', { number: '5511987654321', text: 'oi' });
    await until(() => sim.control.webhookDeliveries().length >= 5, 5_000);
    const [g1, g2, g3, g4] = gaps();
    expect(g1).toBeGreaterThanOrEqual(55);
    expect(g2).toBeGreaterThanOrEqual(115);
    expect(g3).toBeGreaterThanOrEqual(145);
    // Capped: the uncapped fourth wait would be 480 ms.
    expect(g4).toBeGreaterThanOrEqual(145);
    expect(g4).toBeLessThan(400);
    expect(sim.control.webhookDeliveries().map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5]);
  });

  it('spread by ±retryJitter, never below the base', async () => {
    sim.control.reset();
    arrivals.length = 0;
    sim.control.setWebhookOptions({ retryBaseMs: 50, retryMaxMs: 50, retryJitter: 0.5, maxAttempts: 6 });
    await sendText(sim.serverUrl('evo1'), 'acme-01', { number: '5511987654321', text: 'oi' });
    await until(() => sim.control.webhookDeliveries().length >= 6, 5_000);
    for (const gap of gaps()) expect(gap).toBeGreaterThanOrEqual(45);
  });

  it('exports the real schedule for tests that want it: 5 s, doubling, 300 s cap, 20% jitter', () => {
    expect(REAL_WEBHOOK_RETRIES).toEqual({ retryBaseMs: 5_000, retryMaxMs: 300_000, retryJitter: 0.2 });
  });
});
