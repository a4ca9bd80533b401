import { freePort } from '@bora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetSpec } from '../src/seed-fleet.ts';
import { recordAudit, recordRow } from '../src/report.ts';
import { openScenario, type Scenario } from '../src/scenario.ts';
import { scrapeMetric, setInstanceFaults, setServerFaults, sumWhere, type Sample } from '../src/sim-control.ts';
import { waitAllDelivered, type Tally } from '../src/tally.ts';
import { bookingRequest, burst, sleep, type BookingResult } from '../src/traffic.ts';

// Four sick Evolution servers, each the home of one business's own number: one refuses
// connections, one answers 500, one never answers, one's number says "Connection Closed". A fifth
// business lives on a healthy server. Every message must go out (through the shared senders),
// the circuits must open and, once the servers heal, close; nobody waits behind a dead server.
const SEND_TIMEOUT_MS = 2_000;
// A hung server may have sent what it never answered: those messages wait this long for evidence,
// then go out again (counted as possible duplicates). Short here; minutes in production.
const UNCONFIRMED_WINDOW_MS = 8_000;
const PER_TENANT = 30;
const SICK = { dead: 'dead', error: 'evo5xx', hang: 'evohang', closed: 'evoclosed' } as const;
let s: Scenario;

function fleet(deadUrl: string): FleetSpec {
  const own = (tenant: string, name: string, phone: string) => ({ name, phone, tenant, isPrimary: true });
  return {
    tenants: ['t-dead', 't-error', 't-hang', 't-closed', 't-ok'].map((slug) => ({ slug, name: `Negócio ${slug}` })),
    servers: [
      {
        name: 'Dead',
        simName: 'dead',
        priority: 20,
        url: deadUrl,
        instances: [own('t-dead', 'dead-01', '5511990000101')],
      },
      {
        name: 'Error 500',
        simName: SICK.error,
        priority: 20,
        instances: [own('t-error', 'error-01', '5511990000102')],
      },
      { name: 'Hang', simName: SICK.hang, priority: 20, instances: [own('t-hang', 'hang-01', '5511990000103')] },
      {
        name: 'Closed',
        simName: SICK.closed,
        priority: 20,
        instances: [own('t-closed', 'closed-01', '5511990000104')],
      },
      {
        name: 'OK 1',
        simName: 'evook1',
        priority: 5,
        instances: [
          { name: 'shared-01', phone: '5511990000111', tenant: null, isPrimary: true },
          { name: 'shared-02', phone: '5511990000112', tenant: null },
        ],
      },
      {
        name: 'OK 2',
        simName: 'evook2',
        priority: 1,
        instances: [own('t-ok', 'ok-01', '5511990000105'), { name: 'shared-03', phone: '5511990000113', tenant: null }],
      },
    ],
  };
}

beforeAll(async () => {
  s = await openScenario({
    fleet: fleet(`http://127.0.0.1:${await freePort()}`),
    env: {
      SEND_TIMEOUT_MS: String(SEND_TIMEOUT_MS),
      UNCONFIRMED_WINDOW_MS: String(UNCONFIRMED_WINDOW_MS),
      CIRCUIT_FAILURE_THRESHOLD: '3',
      CIRCUIT_OPEN_MS: '3000',
      SWEEP_INTERVAL_MS: '1000',
    },
  });
  const sim = s.system.urls.sim;
  await setServerFaults(sim, SICK.error, { errorRate: 1, errorStatus: 500 });
  await setServerFaults(sim, SICK.hang, { hang: true });
  await setInstanceFaults(sim, SICK.closed, 'closed-01', { sendError: 'connection-closed' });
});

afterAll(async () => {
  await s?.cleanup();
});

async function bookFor(tenant: string, label: string, count: number): Promise<BookingResult[]> {
  const specs = Array.from({ length: count }, (_, i) => bookingRequest(label, i));
  s.phones.push(...specs.map((r) => r.phone));
  const results = await burst(s.system.urls.booking, tenant, specs, 4);
  expect(results.filter((r) => r.status !== 201)).toEqual([]);
  return results;
}

/** Seconds from each booking's request to its confirmation reaching the simulator. */
function latencies(tally: Tally, results: BookingResult[]): number[] {
  const started = new Map(results.map((r) => [r.body!.id!, r.startedAt]));
  return tally.items
    .map((i) => (Math.min(...i.received.map((m) => m.receivedAt)) - started.get(i.bookingId)!) / 1000)
    .sort((a, b) => a - b);
}

const circuits = async () =>
  scrapeMetric(`${s.system.dispatcherUrl(0)}/metrics`, 'dispatcher_circuit_transitions_total');
const transitions = (all: Sample[], server: string, to: string) => sumWhere(all, { server, to });
const p95 = (sorted: number[]) => sorted[Math.ceil(sorted.length * 0.95) - 1]!;

/**
 * Sends that timed out at a server that was not hanging: the server may well have sent the
 * message (a timeout is an unknown outcome). They are never failed over; only a resend after the
 * window (counted) could duplicate one.
 */
async function ambiguousTimeouts(): Promise<number> {
  const [row] = await s.db.sql<{ n: number }[]>`
    select count(*)::int as n from delivery_attempts a join evolution_apis e on e.id = a.evolution_api_id
     where a.error_code = 'TIMEOUT' and e.name <> 'Hang'`;
  return row!.n;
}

/** Sends made again after an unknown outcome found no evidence within the window. */
async function resends(): Promise<number> {
  const [row] = await s.db.sql<{ n: number }[]>`select coalesce(sum(resends), 0)::int as n from notifications`;
  return row!.n;
}

describe('a sick Evolution fleet', () => {
  it('delivers everything through the healthy servers, without waiting behind the sick ones', async () => {
    const started = Date.now();
    const tenants = ['t-dead', 't-error', 't-hang', 't-closed', 't-ok'];
    const all = (await Promise.all(tenants.map((t) => bookFor(t, `fleet-${t}`, PER_TENANT)))).flat();
    const tally = await waitAllDelivered(
      s.db.sql,
      s.system.urls.sim,
      60_000,
      all.map((r) => r.body!.id!),
    );
    const lat = latencies(tally, all);
    const byTenant = Object.fromEntries(
      tenants.map((t) => {
        const mine = all.filter((r) => r.tag.startsWith(`fleet-${t}-`));
        const ids = new Set(mine.map((r) => r.body!.id!));
        const sub = { ...tally, items: tally.items.filter((i) => ids.has(i.bookingId)) };
        return [t, latencies(sub, mine)];
      }),
    );
    const sickInstances = new Set(['dead-01', 'error-01', 'hang-01', 'closed-01']);
    const viaSick = tally.items.flatMap((i) => i.received).filter((m) => sickInstances.has(m.instance));
    const opened = await circuits();
    const [closedRow] = await s.db.sql<
      { status: string; changed_at: string }[]
    >`select status, status_changed_at as changed_at from whatsapp_instances where instance_name = 'closed-01'`;
    recordRow({
      order: 4.1,
      scenario: '4a Evolution: refused / 500 / hang / Connection Closed',
      bookings: tally.bookings,
      sent: tally.sent,
      duplicates: tally.duplicates,
      lost: tally.lost,
      recoverySeconds: (
        (Math.max(...tally.items.flatMap((i) => i.received.map((m) => m.receivedAt))) - started) /
        1000
      ).toFixed(1),
      notes: `confirmation latency p95/max: ${tenants.map((t) => `${t} ${p95(byTenant[t]!).toFixed(1)}/${byTenant[t]!.at(-1)!.toFixed(1)} s`).join(', ')}; circuit opens: ${opened
        .filter((o) => o.labels.to === 'open')
        .map((o) => `${o.labels.server}×${o.value}`)
        .join(
          ', ',
        )}; ${await ambiguousTimeouts()} timeouts at non-hanging servers; ${await resends()} resent after the ${UNCONFIRMED_WINDOW_MS / 1000} s unknown-outcome window (the hung server's in-flight sends); time = first booking → last delivery`,
    });
    expect(tally.lost, s.diagnose()).toBe(0);
    // Only a resend after an unknown outcome could duplicate (the hung server sent nothing here).
    expect(tally.duplicates).toBeLessThanOrEqual(await resends());
    expect(tally.ledgerMismatches).toEqual([]);
    expect(viaSick).toEqual([]);
    // The business on the healthy server is the yardstick (the machine is busy for everyone): the
    // sick servers' businesses wait no longer. The hung server's: the messages it swallowed wait
    // for the unknown-outcome window (then a sweep), the rest route around its open circuit.
    const yardstick = byTenant['t-ok']!.at(-1)! + 1;
    for (const t of ['t-dead', 't-error', 't-closed']) expect(byTenant[t]!.at(-1)).toBeLessThan(yardstick);
    expect(byTenant['t-hang']!.at(-1)).toBeLessThan(
      yardstick + (SEND_TIMEOUT_MS + UNCONFIRMED_WINDOW_MS + 3_000) / 1000,
    );
    expect(lat.length).toBe(PER_TENANT * tenants.length);
    for (const server of ['Dead', 'Error 500', 'Hang'])
      expect(transitions(opened, server, 'open')).toBeGreaterThanOrEqual(1);
    // closed-01 answered Connection Closed: the dispatcher took it out of rotation (the row changed
    // during the run and nothing went through it). Its final status is not asserted: number safety
    // may restart it meanwhile, and the server then says "open" again.
    expect(Date.parse(closedRow!.changed_at)).toBeGreaterThan(started);
  });

  it('closes the circuits once the servers heal, and their own numbers send again', async () => {
    await setServerFaults(s.system.urls.sim, SICK.error, { errorRate: 0 });
    await setServerFaults(s.system.urls.sim, SICK.hang, { hang: false });
    const healedAt = Date.now();
    // Past the open period, the next send to each server is the trial that closes its circuit.
    await sleep(3_500);
    const again = [...(await bookFor('t-error', 'heal-error', 10)), ...(await bookFor('t-hang', 'heal-hang', 10))];
    const tally = await waitAllDelivered(
      s.db.sql,
      s.system.urls.sim,
      60_000,
      again.map((r) => r.body!.id!),
    );
    const closed = await circuits();
    const instances = new Set(tally.items.flatMap((i) => i.received.map((m) => m.instance)));
    recordRow({
      order: 4.2,
      scenario: '4b Evolution servers heal',
      bookings: tally.bookings,
      sent: tally.sent,
      duplicates: tally.duplicates,
      lost: tally.lost,
      recoverySeconds: (
        (Math.max(...tally.items.flatMap((i) => i.received.map((m) => m.receivedAt))) - healedAt) /
        1000
      ).toFixed(1),
      notes: `circuits closed: Error 500×${transitions(closed, 'Error 500', 'closed')}, Hang×${transitions(closed, 'Hang', 'closed')}; sent via ${[...instances].sort().join(', ')}; time = heal → last delivery`,
    });
    expect(tally.lost, s.diagnose()).toBe(0);
    expect(tally.duplicates).toBe(0);
    expect(transitions(closed, 'Error 500', 'closed')).toBeGreaterThanOrEqual(1);
    expect(transitions(closed, 'Hang', 'closed')).toBeGreaterThanOrEqual(1);
    expect(instances.has('error-01') && instances.has('hang-01')).toBe(true);
  });

  it('leaks no key, token or customer number in any log line', () => {
    const audit = s.audit();
    recordAudit('evolution-faults', {
      lines: audit.lines,
      processes: s.system.all.length,
      findings: audit.findings.length,
    });
    expect(audit.findings).toEqual([]);
  });
});
