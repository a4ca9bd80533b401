import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, recordRow } from '../src/report.ts';
import { openScenario, TENANT, type Scenario } from '../src/scenario.ts';
import { setInstanceFaults } from '../src/sim-control.ts';
import { simMessages, waitAllDelivered } from '../src/tally.ts';
import { bookingRequest, burst, sleep } from '../src/traffic.ts';

// Redis freezes (SIGSTOP: every command hangs, nothing errors) while sends are out at Evolution.
// When the 201s come back, the ledger must record them at once — before any Redis bookkeeping
// (circuits, metrics) — or a row would sit in `sending` while the customer already has the message.
const FREEZE_MS = 5_000;
let s: Scenario;

beforeAll(async () => {
  s = await openScenario({ ownRedis: true, env: { SWEEP_INTERVAL_MS: '1000', SENDING_LEASE_MS: '30000' } });
  // Each send takes a moment at the server, so the freeze lands while they are out.
  await setInstanceFaults(s.system.urls.sim, 'evo1', 'caos-01', { latencyMs: 1_500 });
});

afterAll(async () => {
  s?.ownRedis?.resume();
  await s?.cleanup();
});

describe('Redis frozen right after the sends went out', () => {
  it('records every answered send in the ledger while Redis is still frozen; no duplicate once it thaws', async () => {
    const specs = Array.from({ length: 8 }, (_, i) => bookingRequest('frozen', i));
    s.phones.push(...specs.map((r) => r.phone));
    const results = await burst(s.system.urls.booking, TENANT, specs, 8);
    expect(results.filter((r) => r.status !== 201)).toEqual([]);
    const ids = results.map((r) => r.body!.id!);
    // Wait until the sends are at the server (rows claimed), then freeze Redis under them.
    const claimedBy = Date.now() + 10_000;
    while (Date.now() < claimedBy) {
      const [row] = await s.db.sql<
        { n: number }[]
      >`select count(*)::int as n from notifications where kind = 'confirmation' and status = 'sending' and booking_id = any(${ids}::uuid[])`;
      if (row!.n > 0) break;
      await sleep(50);
    }
    const frozenAt = Date.now();
    s.ownRedis!.pause();
    let recordedWhileFrozen = 0;
    let answeredWhileFrozen = 0;
    try {
      await sleep(FREEZE_MS);
      const answered = (await simMessages(s.system.urls.sim)).filter((m) => specs.some((r) => r.phone === m.number));
      answeredWhileFrozen = answered.length;
      const [row] = await s.db.sql<{ n: number }[]>`
        select count(*)::int as n from notifications where kind = 'confirmation' and status in ('sent', 'delivered', 'read')
           and message_id = any(${answered.map((m) => m.keyId)}::text[])`;
      recordedWhileFrozen = row!.n;
    } finally {
      s.ownRedis!.resume();
    }
    const tally = await waitAllDelivered(s.db.sql, s.system.urls.sim, 60_000, ids);
    recordRow({
      order: 10,
      scenario: '10 Redis frozen (SIGSTOP) 5 s after the sends went out',
      bookings: tally.bookings,
      sent: tally.sent,
      duplicates: tally.duplicates,
      lost: tally.lost,
      recoverySeconds: (
        (Math.max(...tally.items.flatMap((i) => i.received.map((m) => m.receivedAt))) - frozenAt) /
        1000
      ).toFixed(1),
      notes: `${answeredWhileFrozen} sends answered during the freeze, ${recordedWhileFrozen} of them recorded sent (with their key) before Redis thawed; time = freeze → last delivery`,
    });
    expect(answeredWhileFrozen).toBeGreaterThan(0);
    expect(recordedWhileFrozen).toBe(answeredWhileFrozen);
    expect(tally.lost, s.diagnose()).toBe(0);
    expect(tally.duplicates).toBe(0);
    expect(tally.ledgerMismatches).toEqual([]);
  });

  it('leaks no key, token or customer number in any log line', () => {
    const audit = s.audit();
    recordAudit('redis-frozen', {
      lines: audit.lines,
      processes: s.system.all.length,
      findings: audit.findings.length,
    });
    expect(audit.findings).toEqual([]);
  });
});
