import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, recordRow } from '../src/report.ts';
import { openScenario, TENANT, type Scenario } from '../src/scenario.ts';
import { waitAllDelivered } from '../src/tally.ts';
import { bookingRequest, burst, sleep } from '../src/traffic.ts';

// kill -9 of the dispatcher while confirmations are in flight, again and again, restarting it
// each time: every confirmation must arrive. A duplicate needs a send caught between leaving for
// Evolution and the ledger write; a killed process loses every send it had in that window.
const KILLS = 4;
const CONCURRENCY = 10;
let s: Scenario;

beforeAll(async () => {
  s = await openScenario({
    env: { SENDING_LEASE_MS: '3000', SWEEP_INTERVAL_MS: '500', DISPATCH_CONCURRENCY: String(CONCURRENCY) },
    // Production paces every number; the second test restarts the dispatcher without pacing.
    dispatcherEnv: { PACING_MIN_INTERVAL_MS: '100' },
  });
});

afterAll(async () => {
  await s?.cleanup();
});

/**
 * Books `count` (at most `parallel` requests at a time, so a small `parallel` spreads them over
 * the kills), and meanwhile kills and restarts the dispatcher `kills` times. Recovery is the
 * longest silence at the simulator after a kill (restart plus lease recovery).
 */
async function killWhileSending(label: string, count: number, parallel: number, kills: number, pacingMs: string) {
  const specs = Array.from({ length: count }, (_, i) => bookingRequest(label, i));
  s.phones.push(...specs.map((r) => r.phone));
  const booking = burst(s.system.urls.booking, TENANT, specs, parallel);
  const killedAt: number[] = [];
  for (let kill = 0; kill < kills; kill++) {
    await sleep(500 + Math.random() * 1000);
    killedAt.push(Date.now());
    await s.system.dispatchers[0]!.kill9();
    await s.system.startDispatcher(0, { PACING_MIN_INTERVAL_MS: pacingMs });
  }
  const results = await booking;
  expect(results.filter((r) => r.status !== 201)).toEqual([]);
  const ids = results.map((r) => r.body!.id!);
  const tally = await waitAllDelivered(s.db.sql, s.system.urls.sim, 120_000, ids);
  const times = tally.items.flatMap((i) => i.received.map((m) => m.receivedAt)).sort((a, b) => a - b);
  const silences = killedAt.map((k) => (times.find((t) => t > k) ?? k) - k);
  return { tally, kills, recoverySeconds: (Math.max(...silences) / 1000).toFixed(1) };
}

describe('dispatcher killed with kill -9 mid-flight', () => {
  it('paced like production (one number, 100 ms apart): 300 confirmations, at most one duplicate per kill', async () => {
    const { tally, kills, recoverySeconds } = await killWhileSending('kill-paced', 300, 20, KILLS, '100');
    recordRow({
      order: 1.1,
      scenario: `1a dispatcher kill -9 ×${kills}, paced sends`,
      bookings: tally.bookings,
      sent: tally.sent,
      duplicates: tally.duplicates,
      lost: tally.lost,
      recoverySeconds,
      notes: `lease 3 s; longest silence after a kill; bound: duplicates ≤ kills (${kills})`,
    });
    expect(tally.bookings).toBe(300);
    expect(tally.lost, s.diagnose()).toBe(0);
    expect(tally.ledgerMismatches.map((i) => `${i.id} ${i.status}`)).toEqual([]);
    expect(tally.duplicates).toBeLessThanOrEqual(kills);
  });

  it(`unpaced, ${CONCURRENCY} sends at once: nothing lost, at most the in-flight sends of each kill duplicated`, async () => {
    // A trickle of bookings (one request at a time) keeps sends going through all the kills.
    const { tally, kills, recoverySeconds } = await killWhileSending('kill-unpaced', 200, 1, 3, '0');
    recordRow({
      order: 1.2,
      scenario: `1b dispatcher kill -9 ×${kills}, unpaced, bookings trickling in`,
      bookings: tally.bookings,
      sent: tally.sent,
      duplicates: tally.duplicates,
      lost: tally.lost,
      recoverySeconds,
      notes: `concurrency ${CONCURRENCY}; bound: duplicates ≤ kills × concurrency (${kills * CONCURRENCY})`,
    });
    expect(tally.bookings).toBe(200);
    expect(tally.lost, s.diagnose()).toBe(0);
    expect(tally.ledgerMismatches.map((i) => `${i.id} ${i.status}`)).toEqual([]);
    expect(tally.duplicates).toBeLessThanOrEqual(kills * CONCURRENCY);
  });

  it('leaks no key, token or customer number in any log line', () => {
    const audit = s.audit();
    recordAudit('dispatcher-kill', {
      lines: audit.lines,
      processes: s.system.all.length,
      findings: audit.findings.length,
    });
    expect(audit.findings).toEqual([]);
  });
});
