import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, recordRow } from '../src/report.ts';
import { openScenario, TENANT, type Scenario } from '../src/scenario.ts';
import { waitAllDelivered } from '../src/tally.ts';
import { bookingRequest, postBooking, sleep, type BookingResult } from '../src/traffic.ts';

// Redis (its own, killable) dies for 10 s in the middle of a steady stream of bookings and comes
// back empty. Bookings must keep answering fast — 201, or at worst a clean 503 — and every
// booking that was made must get its confirmation once Redis is back.
const OUTAGE_MS = 10_000;
let s: Scenario;

beforeAll(async () => {
  s = await openScenario({ ownRedis: true, env: { SWEEP_INTERVAL_MS: '1000' } });
});

afterAll(async () => {
  await s?.cleanup();
});

describe('Redis down for 10 s during a burst, back empty', () => {
  it('answers every booking in under 2 s and delivers every confirmation afterwards', async () => {
    const results: BookingResult[] = [];
    let index = 0;
    let stopAt = Number.POSITIVE_INFINITY;
    const lane = async () => {
      while (Date.now() < stopAt) {
        const spec = bookingRequest('redis', index++);
        s.phones.push(spec.phone);
        results.push(await postBooking(s.system.urls.booking, TENANT, spec, 5_000));
        await sleep(50);
      }
    };
    const lanes = Promise.all(Array.from({ length: 4 }, lane));
    await sleep(4_000);
    const downAt = Date.now();
    await s.ownRedis!.stop();
    await sleep(OUTAGE_MS);
    await s.ownRedis!.start();
    const upAt = Date.now();
    stopAt = Date.now() + 4_000;
    await lanes;

    const during = results.filter((r) => r.status === 201 && r.startedAt >= downAt && r.startedAt < upAt);
    const statuses = [...new Set(results.map((r) => r.status))].sort();
    const slow = results.filter((r) => r.ms > 2_000 || r.hung);
    const bookings = await s.db.sql<
      { id: string }[]
    >`select id from bookings where customer_name like 'Cliente redis-%'`;
    const tally = await waitAllDelivered(
      s.db.sql,
      s.system.urls.sim,
      90_000,
      bookings.map((b) => b.id),
    );
    // Recovery: from Redis being back to the last confirmation of a booking made while it was down.
    const duringIds = new Set(during.map((r) => r.body!.id!));
    const backlog = tally.items
      .filter((i) => duringIds.has(i.bookingId))
      .flatMap((i) => i.received.map((m) => m.receivedAt));
    const first = Math.min(...backlog);
    const last = Math.max(upAt, ...backlog);
    const created = results.filter((r) => r.status === 201).length;
    recordRow({
      order: 3,
      scenario: '3 Redis down 10 s mid-burst, back empty',
      bookings: tally.bookings,
      sent: tally.sent,
      duplicates: tally.duplicates,
      lost: tally.lost,
      recoverySeconds: ((last - upAt) / 1000).toFixed(1),
      notes: `${during.length} booked while down, first of them sent ${((first - upAt) / 1000).toFixed(1)} s after Redis was back; ${results.length} requests: ${created} × 201, ${results.length - created} × other (${statuses.join('/')}); slowest ${Math.round(Math.max(...results.map((r) => r.ms)))} ms; outage ${((upAt - downAt) / 1000).toFixed(1)} s`,
    });
    expect(during.length).toBeGreaterThan(0);
    expect(statuses.every((code) => code === 201 || code === 503)).toBe(true);
    expect(slow.map((r) => `${r.tag} ${r.status} ${Math.round(r.ms)} ms`)).toEqual([]);
    // A 503 must mean "not booked": every booking in the database was answered 201.
    expect(bookings.length).toBe(created);
    expect(tally.lost, s.diagnose()).toBe(0);
    expect(tally.duplicates).toBe(0);
    expect(tally.ledgerMismatches).toEqual([]);
  });

  it('leaks no key, token or customer number in any log line', () => {
    const audit = s.audit();
    recordAudit('redis-outage', {
      lines: audit.lines,
      processes: s.system.all.length,
      findings: audit.findings.length,
    });
    expect(audit.findings).toEqual([]);
  });
});
