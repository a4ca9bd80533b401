import { freePort } from '@bora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, recordRow } from '../src/report.ts';
import { openScenario, TENANT, type Scenario } from '../src/scenario.ts';
import { waitAllDelivered } from '../src/tally.ts';
import { bookingRequest, burst, sleep } from '../src/traffic.ts';
import { notWhole } from '../src/whole.ts';

// booking-api dies after its transaction committed but before the pointer job reached Redis.
// The rows are the outbox: the dispatcher's sweeper must find them and deliver every one.
let s: Scenario;

beforeAll(async () => {
  // booking-api starts on a Redis address nobody listens on: every enqueue fails after commit.
  s = await openScenario({
    env: { SWEEP_INTERVAL_MS: '1000' },
    bookingEnv: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` },
  });
});

afterAll(async () => {
  await s?.cleanup();
});

describe('booking-api killed between commit and enqueue', () => {
  it('committed with no job, then kill -9: the sweeper delivers every confirmation', async () => {
    const specs = Array.from({ length: 40 }, (_, i) => bookingRequest('crash-a', i));
    s.phones.push(...specs.map((r) => r.phone));
    const results = await burst(s.system.urls.booking, TENANT, specs, 10);
    expect(results.map((r) => r.status)).toEqual(specs.map(() => 201));
    // The answer itself says the messages are not queued yet: the enqueue never happened.
    expect(results.flatMap((r) => r.body!.notifications!.map((n) => (n as { status?: string }).status))).not.toContain(
      'queued',
    );
    const killedAt = Date.now();
    await s.system.booking.kill9();

    const ids = results.map((r) => r.body!.id!);
    const tally = await waitAllDelivered(s.db.sql, s.system.urls.sim, 60_000, ids);
    const last = Math.max(...tally.items.flatMap((i) => i.received.map((m) => m.receivedAt)));
    recordRow({
      order: 2.1,
      scenario: '2a booking-api: commit, no enqueue, kill -9',
      bookings: tally.bookings,
      sent: tally.sent,
      duplicates: tally.duplicates,
      lost: tally.lost,
      recoverySeconds: ((last - killedAt) / 1000).toFixed(1),
      notes: 'sweep every 1 s; recovery = kill → last confirmation',
    });
    expect(tally.lost, s.diagnose()).toBe(0);
    expect(tally.duplicates).toBe(0);
    expect(tally.ledgerMismatches).toEqual([]);
  });

  it('kill -9 in the middle of a burst: every committed booking is whole and gets its confirmation', async () => {
    await s.system.startBooking({ REDIS_URL: s.redisUrl });
    const specs = Array.from({ length: 200 }, (_, i) => bookingRequest('crash-b', i));
    s.phones.push(...specs.map((r) => r.phone));
    const burstDone = burst(s.system.urls.booking, TENANT, specs, 30, 5_000);
    await sleep(700);
    const killedAt = Date.now();
    await s.system.booking.kill9();
    const results = await burstDone;
    const answered = results.filter((r) => r.status === 201);

    const bookings = await s.db.sql<{ id: string; customer_name: string; notifications: number }[]>`
      select b.id, b.customer_name, (select count(*) from notifications n where n.booking_id = b.id)::int as notifications
        from bookings b where b.customer_name like 'Cliente crash-b-%'`;
    // Every 201 is in the database, and nothing is half-written: confirmation and reminder rows.
    expect(answered.every((r) => bookings.some((b) => b.id === r.body!.id))).toBe(true);
    expect(await notWhole(s.db.sql, 'Cliente crash-b-%')).toEqual([]);
    const ids = bookings.map((b) => b.id);
    const tally = await waitAllDelivered(s.db.sql, s.system.urls.sim, 60_000, ids);
    const last = Math.max(killedAt, ...tally.items.flatMap((i) => i.received.map((m) => m.receivedAt)));
    recordRow({
      order: 2.2,
      scenario: '2b booking-api kill -9 mid-burst',
      bookings: tally.bookings,
      sent: tally.sent,
      duplicates: tally.duplicates,
      lost: tally.lost,
      recoverySeconds: ((last - killedAt) / 1000).toFixed(1),
      notes: `${answered.length} answered 201, ${bookings.length - answered.length} committed without an answer, ${specs.length - bookings.length} never committed`,
    });
    expect(tally.bookings).toBeGreaterThan(0);
    expect(tally.lost, s.diagnose()).toBe(0);
    expect(tally.duplicates).toBe(0);
    expect(tally.ledgerMismatches).toEqual([]);
  });

  it('leaks no key, token or customer number in any log line', () => {
    const audit = s.audit();
    recordAudit('booking-crash', {
      lines: audit.lines,
      processes: s.system.all.length,
      findings: audit.findings.length,
    });
    expect(audit.findings).toEqual([]);
  });
});
