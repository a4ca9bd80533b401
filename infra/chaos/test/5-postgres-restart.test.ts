import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, recordRow } from '../src/report.ts';
import { openScenario, TENANT, type Scenario } from '../src/scenario.ts';
import { waitAllDelivered } from '../src/tally.ts';
import { bookingRequest, postBooking, sleep, type BookingResult } from '../src/traffic.ts';
import { notWhole } from '../src/whole.ts';

// Postgres (its own, stoppable) goes away for a few seconds in the middle of a stream of
// bookings and comes back. Nobody restarts the services: they must reconnect by themselves, no
// booking may be half-written, and every booking that exists must get its confirmation.
const OUTAGE_MS = 5_000;
let s: Scenario;

beforeAll(async () => {
  s = await openScenario({ ownPostgres: true, env: { SWEEP_INTERVAL_MS: '1000' } });
});

afterAll(async () => {
  await s?.cleanup();
});

const ready = async (url: string) =>
  (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3_000) }).catch(() => undefined))?.status === 200;

describe('Postgres restarted mid-burst', () => {
  it('services reconnect by themselves, no booking is half-written, every booking is confirmed', async () => {
    const results: BookingResult[] = [];
    let index = 0;
    let stopAt = Number.POSITIVE_INFINITY;
    let upAt = Number.POSITIVE_INFINITY;
    // Requests held by the reconnecting driver can outlast the 6 s tail on a loaded machine: keep
    // booking (up to 40 s after the restart) until one started after it has been answered 201.
    const recovered = () => results.some((r) => r.status === 201 && r.startedAt >= upAt);
    const keepGoing = () => Date.now() < stopAt || (!recovered() && Date.now() < upAt + 40_000);
    const lane = async () => {
      while (keepGoing()) {
        const spec = bookingRequest('pg', index++);
        s.phones.push(spec.phone);
        results.push(await postBooking(s.system.urls.booking, TENANT, spec, 30_000));
        await sleep(50);
      }
    };
    const lanes = Promise.all(Array.from({ length: 3 }, lane));
    await sleep(3_000);
    const downAt = Date.now();
    await s.ownPostgres!.stop('fast');
    await sleep(OUTAGE_MS);
    await s.ownPostgres!.start();
    upAt = Date.now();
    stopAt = Date.now() + 6_000;
    await lanes;

    const firstOkAfter = results
      .filter((r) => r.status === 201 && r.startedAt >= upAt)
      .sort((a, b) => a.startedAt - b.startedAt)[0];
    const urls = [s.system.urls.booking, s.system.urls.admin, s.system.dispatcherUrl(0)];
    const allReady = await Promise.all(urls.map(ready));
    const bookings = await s.db.sql<{ id: string; customer_name: string; notifications: number }[]>`
      select b.id, b.customer_name, (select count(*) from notifications n where n.booking_id = b.id)::int as notifications
        from bookings b where b.customer_name like 'Cliente pg-%'`;
    const created = results.filter((r) => r.status === 201);
    const inDb = new Set(bookings.map((b) => b.customer_name.replace('Cliente ', '')));
    const failedButBooked = results.filter((r) => r.status !== 201 && inDb.has(r.tag));
    const codes = [...new Set(results.map((r) => `${r.status}${r.body?.error ? ` ${r.body.error.code}` : ''}`))].sort();
    const tally = await waitAllDelivered(
      s.db.sql,
      s.system.urls.sim,
      120_000,
      bookings.map((b) => b.id),
    );
    const last = Math.max(upAt, ...tally.items.flatMap((i) => i.received.map((m) => m.receivedAt)));
    recordRow({
      order: 5,
      scenario: `5 Postgres stopped ${OUTAGE_MS / 1000} s mid-burst`,
      bookings: tally.bookings,
      sent: tally.sent,
      duplicates: tally.duplicates,
      lost: tally.lost,
      recoverySeconds: ((last - upAt) / 1000).toFixed(1),
      notes: `${results.length} requests (${codes.join(', ')}); first 201 ${firstOkAfter ? ((firstOkAfter.startedAt + firstOkAfter.ms - upAt) / 1000).toFixed(1) : '—'} s after restart; slowest answer ${(Math.max(...results.map((r) => r.ms)) / 1000).toFixed(1)} s; ${failedButBooked.length} answered an error but were booked; outage ${((upAt - downAt) / 1000).toFixed(1)} s; time = restart → last confirmation`,
    });
    expect(allReady).toEqual([true, true, true]);
    // The database being away is nobody's bug: a clean 503 with the envelope, never a 500.
    expect(
      results
        .filter((r) => r.status !== 201 && !(r.status === 503 && r.body?.error?.code === 'SERVICE_UNAVAILABLE'))
        .map((r) => `${r.tag} ${r.status}`),
    ).toEqual([]);
    expect(firstOkAfter).toBeDefined();
    expect(created.every((r) => inDb.has(r.tag))).toBe(true);
    expect(await notWhole(s.db.sql, 'Cliente pg-%')).toEqual([]);
    expect(results.filter((r) => r.hung)).toEqual([]);
    expect(tally.lost, s.diagnose()).toBe(0);
    expect(tally.duplicates).toBe(0);
    expect(tally.ledgerMismatches).toEqual([]);
  });

  it('leaks no key, token or customer number in any log line', () => {
    const audit = s.audit();
    recordAudit('postgres-restart', {
      lines: audit.lines,
      processes: s.system.all.length,
      findings: audit.findings.length,
    });
    expect(audit.findings).toEqual([]);
  });
});
