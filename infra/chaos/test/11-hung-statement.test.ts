import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, recordRow } from '../src/report.ts';
import { openScenario, TENANT, type Scenario } from '../src/scenario.ts';
import { waitAllDelivered } from '../src/tally.ts';
import { bookingRequest, burst } from '../src/traffic.ts';

// One ledger statement hangs: another session holds a notification row locked and the
// dispatcher's sessions have no lock or statement timeout, so a claim batch that includes that row
// never answers. The batch must be cut off and cancelled, and everything else keep sending.
const HOLD_MS = 20_000;
let s: Scenario;

beforeAll(async () => {
  s = await openScenario({
    env: { SWEEP_INTERVAL_MS: '1000' },
    dispatcherEnv: { DB_LOCK_TIMEOUT_MS: '0', DB_STATEMENT_TIMEOUT_MS: '0' },
  });
});

afterAll(async () => {
  await s?.cleanup();
});

describe('one ledger statement hangs', () => {
  it('the rest of the process keeps sending; the stuck row goes out once the lock is gone', async () => {
    const dispatcher = s.system.dispatchers[0]!;
    dispatcher.pause();
    // The test's own session holds the lock (its pool's lock timeout does not matter: it takes the lock first).
    const conn = await s.db.sql.reserve();
    let victimId = '';
    let heldFor = 0;
    let others: string[] = [];
    try {
      const victim = await burst(s.system.urls.booking, TENANT, [bookingRequest('hung-victim', 0)], 1);
      s.phones.push(victim[0]!.phone);
      victimId = victim[0]!.body!.id!;
      await conn`begin`;
      await conn`select id from notifications where booking_id = ${victimId} and kind = 'confirmation' for update`;
      const specs = Array.from({ length: 100 }, (_, i) => bookingRequest('hung-rest', i));
      s.phones.push(...specs.map((r) => r.phone));
      const results = await burst(s.system.urls.booking, TENANT, specs, 10);
      expect(results.filter((r) => r.status !== 201)).toEqual([]);
      others = results.map((r) => r.body!.id!);
      const lockedAt = Date.now();
      dispatcher.resume();
      const tally = await waitAllDelivered(s.db.sql, s.system.urls.sim, HOLD_MS, others);
      heldFor = Date.now() - lockedAt;
      recordRow({
        order: 11,
        scenario: '11 one ledger statement hangs (row locked, no lock timeout)',
        bookings: tally.bookings + 1,
        sent: tally.sent,
        duplicates: tally.duplicates,
        lost: tally.lost,
        recoverySeconds: (heldFor / 1000).toFixed(1),
        notes:
          'the 100 others delivered while the victim row stayed locked; time = dispatcher resumed → last of them delivered',
      });
      expect(tally.lost, s.diagnose()).toBe(0);
      expect(tally.duplicates).toBe(0);
    } finally {
      dispatcher.resume();
      await conn`rollback`.catch(() => undefined);
      conn.release();
    }
    const victim = await waitAllDelivered(s.db.sql, s.system.urls.sim, 60_000, [victimId]);
    expect(victim.lost, s.diagnose()).toBe(0);
    expect(victim.duplicates).toBe(0);
  });

  it('leaks no key, token or customer number in any log line', () => {
    const audit = s.audit();
    recordAudit('hung-statement', {
      lines: audit.lines,
      processes: s.system.all.length,
      findings: audit.findings.length,
    });
    expect(audit.findings).toEqual([]);
  });
});
