import { shardOf, shardPrefixes } from '@bora/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, recordRow } from '../src/report.ts';
import { defaultFleet, openScenario, TENANT, type Scenario } from '../src/scenario.ts';
import { waitAllDelivered } from '../src/tally.ts';
import { bookingRequest, postBooking, sleep, type BookingResult } from '../src/traffic.ts';

// Every service on a real 6-node Redis Cluster (3 masters, 3 replicas), notifications sharded over
// 3 queues by tenant. Mid-burst, `CLUSTER FAILOVER` promotes the replica of the master holding the
// busiest tenant's queue; a few seconds later, the replica of the master holding the base prefix's
// slot (pacing, circuits, the sweeper's lease). Nothing may be lost; duplicates are counted.
const SHARDS = 3;
const TENANTS = [TENANT, 'barbearia-caos-2', 'barbearia-caos-3'];
let s: Scenario;

beforeAll(async () => {
  const fleet = defaultFleet();
  fleet.tenants.push({ slug: TENANTS[1]!, name: 'Barbearia Caos 2' }, { slug: TENANTS[2]!, name: 'Barbearia Caos 3' });
  s = await openScenario({ ownCluster: { shards: SHARDS }, fleet, env: { SWEEP_INTERVAL_MS: '1000' } });
});

afterAll(async () => {
  await s?.cleanup();
});

describe('Redis Cluster: a master failed over mid-burst (CLUSTER FAILOVER), twice', () => {
  it('answers every booking, loses no confirmation, and every service is ready again on the new masters', async () => {
    const tenants = await s.db.sql<
      { id: string; slug: string }[]
    >`select id, slug from tenants where slug = any(${TENANTS})`;
    const prefixes = shardPrefixes(s.queuePrefix, SHARDS);
    const busiest = tenants.find((t) => t.slug === TENANT)!;
    const results: (BookingResult & { slug: string })[] = [];
    let index = 0;
    let stopAt = Number.POSITIVE_INFINITY;
    const lane = async () => {
      while (Date.now() < stopAt) {
        const i = index++;
        // Half the traffic to the busiest tenant, the rest spread over the others.
        const slug = i % 2 === 0 ? TENANT : TENANTS[1 + ((i >> 1) % 2)]!;
        const spec = bookingRequest('cluster', i);
        s.phones.push(spec.phone);
        results.push({ ...(await postBooking(s.system.urls.booking, slug, spec, 5_000)), slug });
        await sleep(30);
      }
    };
    const lanes = Promise.all(Array.from({ length: 4 }, lane));
    await sleep(3_000);
    const queueKey = `${prefixes[shardOf(busiest.id, SHARDS)]}:notifications:id`;
    const first = await s.ownCluster!.failover(queueKey);
    await sleep(3_000);
    const second = await s.ownCluster!.failover(`${s.queuePrefix}:sweeper:leader`);
    await sleep(3_000);
    stopAt = Date.now();
    await lanes;

    const created = results.filter((r) => r.status === 201);
    const statuses = [...new Set(results.map((r) => r.status))].sort();
    const bookings = await s.db.sql<
      { id: string }[]
    >`select id from bookings where customer_name like 'Cliente cluster-%'`;
    const tally = await waitAllDelivered(
      s.db.sql,
      s.system.urls.sim,
      90_000,
      bookings.map((b) => b.id),
    );
    const lastSent = Math.max(...tally.items.flatMap((i) => i.received.map((m) => m.receivedAt)));
    const shardsUsed = new Set(tenants.map((t) => shardOf(t.id, SHARDS))).size;
    recordRow({
      order: 12,
      scenario: '12 Redis Cluster master failover ×2 mid-burst',
      bookings: tally.bookings,
      sent: tally.sent,
      duplicates: tally.duplicates,
      lost: tally.lost,
      recoverySeconds: ((lastSent - stopAt) / 1000).toFixed(1),
      notes: `6 nodes, ${SHARDS} queue shards (${shardsUsed} in use by 3 tenants); failover of ${first.from}→${first.to} (queue shard) in ${first.ms} ms, ${second.from}→${second.to} (base prefix: pacing, circuits, sweeper lease) in ${second.ms} ms; ${results.length} requests: ${created.length} × 201 (${statuses.join('/')}); slowest ${Math.round(Math.max(...results.map((r) => r.ms)))} ms`,
    });
    expect(created.length).toBeGreaterThan(50);
    expect(statuses.every((code) => code === 201 || code === 503)).toBe(true);
    // A 503 must mean "not booked".
    expect(bookings.length).toBe(created.length);
    expect(tally.lost, s.diagnose()).toBe(0);
    expect(tally.ledgerMismatches).toEqual([]);
    // The readiness checks PING every master of the new topology.
    for (const url of [s.system.urls.booking, s.system.urls.admin, s.system.dispatcherUrl(0)]) {
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status, `${url}/readyz`).toBe(200);
    }
  });

  it('leaks no key, token or customer number in any log line', () => {
    const audit = s.audit();
    recordAudit('redis-cluster-failover', {
      lines: audit.lines,
      processes: s.system.all.length,
      findings: audit.findings.length,
    });
    expect(audit.findings).toEqual([]);
  });
});
