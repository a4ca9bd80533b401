import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetSpec } from '../src/seed-fleet.ts';
import { recordAudit, recordRow } from '../src/report.ts';
import { openScenario, type Scenario } from '../src/scenario.ts';
import { cacheNumbers, setInstanceFaults, setInstanceState } from '../src/sim-control.ts';
import { simMessages, waitAllDelivered, type Tally } from '../src/tally.ts';
import { bookingRequest, burst, sleep } from '../src/traffic.ts';

// What a real Evolution server does to the promise "each booking's message reaches the customer
// once": answers lost after the send (late, reset, garbled), the catch-all 400 TypeError of an
// unpaired session, the only number offline for two minutes, answers no ledger can store, a
// booking cancelled before its confirmation went out, a reminder whose appointment already started.
const SEND_TIMEOUT_MS = 2_000;
const OFFLINE_MS = 120_000;
const OWN = 'truthown';
const PER_ROW = 6;
let s: Scenario;

/** A business's own number on the sick server (the simulator's faults pick the row it stands for). */
const own = (name: string, tenant: string, phone: string) => ({ name, phone, tenant, isPrimary: true });

function fleet(): FleetSpec {
  const tenants = [
    't-late',
    't-reset',
    't-garbage',
    't-typeerror',
    't-offline',
    't-key',
    't-jid',
    't-tz',
    't-cancel',
    't-expire',
  ];
  return {
    tenants: tenants.map((slug) => ({
      slug,
      name: `Negócio ${slug}`,
      ...(slug === 't-offline' ? { allowSharedSender: false } : {}),
      ...(slug === 't-tz' ? { timezone: 'America/Nenhum_Lugar' } : {}),
    })),
    servers: [
      // Each answer fault on a server of its own: circuits are per server, and a server whose
      // answers never come is one routing must avoid for everyone on it.
      ...(
        [
          ['late-01', 't-late', '5511990001001'],
          ['reset-01', 't-reset', '5511990001002'],
          ['garbage-01', 't-garbage', '5511990001003'],
          ['key-01', 't-key', '5511990001006'],
          ['jid-01', 't-jid', '5511990001007'],
        ] as const
      ).map(([instance, tenant, phone]) => ({
        name: `Truth ${instance}`,
        simName: `truth-${instance}`,
        priority: 20,
        instances: [own(instance, tenant, phone)],
      })),
      {
        name: 'Truth own',
        simName: OWN,
        priority: 20,
        instances: [
          // The ledger believes it connected; the server holds an unpaired session showing QR codes.
          {
            ...own('qr-01', 't-typeerror', '5511990001004'),
            state: 'connecting' as const,
            ledgerStatus: 'connected' as const,
            sim: { session: 'unpaired' },
          },
          {
            ...own('offline-01', 't-offline', '5511990001005'),
            state: 'close' as const,
            ledgerStatus: 'connected' as const,
          },
          { ...own('tz-01', 't-tz', '5511990001008') },
          { ...own('cancel-01', 't-cancel', '5511990001009') },
          { ...own('expire-01', 't-expire', '5511990001010') },
        ],
      },
      {
        name: 'Truth shared',
        simName: 'truthshared',
        priority: 5,
        instances: [
          { name: 'tshared-01', phone: '5511990001101', tenant: null, isPrimary: true },
          { name: 'tshared-02', phone: '5511990001102', tenant: null },
        ],
      },
    ],
  };
}

beforeAll(async () => {
  s = await openScenario({
    fleet: fleet(),
    env: {
      SEND_TIMEOUT_MS: String(SEND_TIMEOUT_MS),
      SWEEP_INTERVAL_MS: '1000',
      UNCONFIRMED_WINDOW_MS: '60000',
      SENDER_WAIT_MAX_MS: '5000',
      BACKOFF_BASE_MS: '500',
    },
  });
  const sim = s.system.urls.sim;
  for (const [instance, afterSend] of [
    ['late-01', 'delay'],
    ['reset-01', 'reset'],
    ['garbage-01', 'garbage'],
    ['key-01', 'fixed-key'],
    ['jid-01', 'bad-jid'],
  ] as const) {
    await setInstanceFaults(sim, `truth-${instance}`, instance, {
      afterSend,
      afterSendDelayMs: SEND_TIMEOUT_MS + 3_000,
    });
  }
});

afterAll(async () => {
  await s?.cleanup();
});

async function book(tenant: string, label: string, count = PER_ROW) {
  const specs = Array.from({ length: count }, (_, i) => bookingRequest(label, i));
  s.phones.push(...specs.map((r) => r.phone));
  const results = await burst(s.system.urls.booking, tenant, specs, 3);
  expect(results.filter((r) => r.status !== 201)).toEqual([]);
  return {
    ids: results.map((r) => r.body!.id!),
    phones: specs.map((r) => r.phone),
    startedAt: Math.min(...results.map((r) => r.startedAt)),
  };
}

/** Sends made again after an unknown outcome, and how many of them were marked possible duplicates. */
async function resendsOf(bookingIds: string[]) {
  const [row] = await s.db.sql<{ resends: number; possible: number }[]>`
    select coalesce(sum(n.resends), 0)::int as resends,
           (select count(*)::int from delivery_attempts a join notifications m on m.id = a.notification_id
             where m.booking_id = any(${bookingIds}::uuid[]) and a.possible_duplicate) as possible
      from notifications n where n.booking_id = any(${bookingIds}::uuid[])`;
  return row!;
}

function row(
  order: number,
  scenario: string,
  tally: Tally,
  resends: { resends: number; possible: number },
  startedAt: number,
  notes: string,
) {
  const last = Math.max(startedAt, ...tally.items.flatMap((i) => i.received.map((m) => m.receivedAt)));
  recordRow({
    order,
    scenario,
    bookings: tally.bookings,
    sent: tally.sent,
    duplicates: tally.duplicates,
    lost: tally.lost,
    recoverySeconds: ((last - startedAt) / 1000).toFixed(1),
    notes: `resends after an unknown outcome: ${resends.resends} (${resends.possible} attempts marked possible duplicate); ${notes}`,
  });
}

describe('delivery truth against a real server’s answers', () => {
  let offline: Awaited<ReturnType<typeof book>>;
  let offlineAt = 0;

  it('the only number of a business goes offline (it stays so for two minutes while the other rows run)', async () => {
    offlineAt = Date.now();
    offline = await book('t-offline', 'offline');
  });

  for (const [order, tenant, label, what] of [
    [9.1, 't-late', 'late', '9a a 201 after the send timeout'],
    [9.2, 't-reset', 'reset', '9b a reset after the request was written'],
    [9.3, 't-garbage', 'garbage', '9c a 2xx with a garbled body'],
  ] as const) {
    it(`${what}: found on the server and recorded once; never failed over, never sent twice`, async () => {
      const made = await book(tenant, label);
      const tally = await waitAllDelivered(s.db.sql, s.system.urls.sim, 90_000, made.ids);
      const resends = await resendsOf(made.ids);
      const [states] = await s.db.sql<{ unconfirmed: number }[]>`
        select count(*)::int as unconfirmed from delivery_attempts a join notifications n on n.id = a.notification_id
         where n.booking_id = any(${made.ids}::uuid[]) and a.outcome = 'unknown'`;
      row(
        order,
        what,
        tally,
        resends,
        made.startedAt,
        `${states!.unconfirmed} sends with an unknown outcome, each settled from the server's own record`,
      );
      expect(tally.lost, s.diagnose()).toBe(0);
      expect(tally.duplicates).toBeLessThanOrEqual(resends.possible);
      expect(tally.ledgerMismatches).toEqual([]);
      // A send whose outcome was unknown is never followed by another: no failover, no blind retry.
      // (Once the sick server's circuit opens, later bookings route around it from the start.)
      const [after] = await s.db.sql<{ n: number }[]>`
        select count(*)::int as n from delivery_attempts a join notifications n on n.id = a.notification_id
         where n.booking_id = any(${made.ids}::uuid[])
           and exists (select 1 from delivery_attempts u where u.notification_id = a.notification_id and u.outcome = 'unknown' and u.id < a.id)`;
      expect(after!.n).toBe(resends.possible);
    });
  }

  it('9d the catch-all 400 TypeError of an unpaired session (the ledger thinks it connected): failed over, 0 duplicates', async () => {
    const specs = Array.from({ length: PER_ROW }, (_, i) => bookingRequest('typeerror', i));
    // Another instance of that server's database talked to these customers before.
    await cacheNumbers(
      s.system.urls.sim,
      OWN,
      specs.map((r) => r.phone),
    );
    s.phones.push(...specs.map((r) => r.phone));
    const results = await burst(s.system.urls.booking, 't-typeerror', specs, 3);
    const ids = results.map((r) => r.body!.id!);
    const tally = await waitAllDelivered(s.db.sql, s.system.urls.sim, 60_000, ids);
    row(
      9.4,
      '9d 400 TypeError from an instance the ledger thinks connected',
      tally,
      await resendsOf(ids),
      Math.min(...results.map((r) => r.startedAt)),
      'sent by the shared senders',
    );
    expect(tally.lost, s.diagnose()).toBe(0);
    expect(tally.duplicates).toBe(0);
    expect(tally.items.flatMap((i) => i.received).every((m) => m.instance.startsWith('tshared'))).toBe(true);
  });

  it('9e answers no ledger can store (a replayed key id, a NUL in the JID): each sent once and recorded sent', async () => {
    const key = await book('t-key', 'fixedkey');
    const jid = await book('t-jid', 'badjid');
    const ids = [...key.ids, ...jid.ids];
    const tally = await waitAllDelivered(s.db.sql, s.system.urls.sim, 60_000, ids, false);
    const notes = await s.db.sql<{ record_note: string | null; status: string; attempts: number }[]>`
      select record_note, status, attempts from notifications where kind = 'confirmation' and booking_id = any(${ids}::uuid[])`;
    row(
      9.5,
      '9e poison answers (replayed key id, NUL in the JID)',
      tally,
      await resendsOf(ids),
      key.startedAt,
      `notes: ${[...new Set(notes.map((n) => n.record_note))].join(', ')}; max attempts ${Math.max(...notes.map((n) => n.attempts))}`,
    );
    expect(tally.lost, s.diagnose()).toBe(0);
    expect(tally.duplicates).toBe(0);
    expect(notes.every((n) => n.status !== 'sending' && n.attempts === 1)).toBe(true);
    expect(notes.filter((n) => n.record_note === 'REMOTE_JID_UNUSABLE')).toHaveLength(PER_ROW);
    expect(notes.filter((n) => n.record_note === 'KEY_ID_DUPLICATE')).toHaveLength(PER_ROW - 1);
  });

  it('9f a business whose time zone cannot render: dead-lettered once each with the reason, nothing re-sent', async () => {
    const made = await book('t-tz', 'badtz');
    const deadline = Date.now() + 30_000;
    let rows: { status: string; attempts: number; last_error_code: string | null }[] = [];
    while (Date.now() < deadline) {
      rows = await s.db
        .sql`select status, attempts, last_error_code from notifications where kind = 'confirmation' and booking_id = any(${made.ids}::uuid[])`;
      if (rows.every((r) => r.status === 'failed')) break;
      await sleep(500);
    }
    await sleep(3_000);
    const sent = (await simMessages(s.system.urls.sim)).filter((m) => made.phones.includes(m.number)).length;
    recordRow({
      order: 9.6,
      scenario: '9f a poison row (time zone that cannot render)',
      bookings: made.ids.length,
      sent,
      duplicates: 0,
      lost: '— (dead-lettered, visible)',
      recoverySeconds: '—',
      notes: `${rows.filter((r) => r.last_error_code === 'RENDER_FAILED').length} failed RENDER_FAILED, attempts ${[...new Set(rows.map((r) => r.attempts))].join('/')}; nothing looped`,
    });
    expect(rows.map((r) => [r.status, r.attempts, r.last_error_code])).toEqual(
      made.ids.map(() => ['failed', 1, 'RENDER_FAILED']),
    );
    expect(sent).toBe(0);
  });

  it('9g booked, then cancelled before the dispatcher sent anything: no "confirmado", one "cancelado" each', async () => {
    const dispatcher = s.system.dispatchers[0]!;
    dispatcher.pause();
    let made: Awaited<ReturnType<typeof book>>;
    try {
      made = await book('t-cancel', 'cancelfirst');
      for (const id of made.ids) {
        const res = await fetch(`${s.system.urls.booking}/v1/tenants/t-cancel/bookings/${id}/cancel`, {
          method: 'POST',
          signal: AbortSignal.timeout(10_000),
        });
        expect(res.status).toBe(200);
      }
    } finally {
      dispatcher.resume();
    }
    const deadline = Date.now() + 60_000;
    let mine: Awaited<ReturnType<typeof simMessages>> = [];
    while (Date.now() < deadline) {
      mine = (await simMessages(s.system.urls.sim)).filter((m) => made.phones.includes(m.number));
      if (mine.length >= made.ids.length) break;
      await sleep(500);
    }
    await sleep(2_000);
    mine = (await simMessages(s.system.urls.sim)).filter((m) => made.phones.includes(m.number));
    const confirmations = mine.filter((m) => m.text.includes('confirmado')).length;
    const cancellations = mine.filter((m) => m.text.includes('cancelado')).length;
    recordRow({
      order: 9.7,
      scenario: '9g book, then cancel before the send',
      bookings: made.ids.length,
      sent: cancellations,
      duplicates: Math.max(0, cancellations - made.ids.length),
      lost: made.ids.length - Math.min(cancellations, made.ids.length),
      recoverySeconds: '—',
      notes: `stale confirmations sent: ${confirmations}`,
    });
    expect(confirmations).toBe(0);
    expect(cancellations).toBe(made.ids.length);
  });

  it('9h a reminder claimed after its appointment started: expired, never sent', async () => {
    const phones = Array.from({ length: PER_ROW }, (_, i) => bookingRequest('expire', i).phone);
    s.phones.push(...phones);
    const [tenant] = await s.db.sql<{ id: string }[]>`select id from tenants where slug = 't-expire'`;
    // The appointments began minutes ago; their reminders were due before that and were never sent
    // (a dispatcher outage): the sweeper finds them owed, and the claim must not send them.
    for (const [i, phone] of phones.entries()) {
      await s.db.sql`
        with b as (
          insert into bookings (tenant_id, customer_name, customer_phone, service, professional, starts_at, ends_at)
          values (${tenant!.id}, ${`Cliente expire-${i}`}, ${phone}, 'Corte', ${`Prof expire ${i}`}, now() - interval '3 minutes', now() + interval '27 minutes')
          returning id)
        insert into notifications (tenant_id, booking_id, kind, recipient, due_at) select ${tenant!.id}, b.id, 'reminder', ${phone}, now() - interval '2 hours' from b`;
    }
    const deadline = Date.now() + 30_000;
    let rows: { status: string }[] = [];
    while (Date.now() < deadline) {
      rows = await s.db
        .sql`select n.status from notifications n join bookings b on b.id = n.booking_id where b.customer_phone = any(${phones}::text[])`;
      if (rows.every((r) => r.status === 'expired')) break;
      await sleep(500);
    }
    const sent = (await simMessages(s.system.urls.sim)).filter((m) => phones.includes(m.number)).length;
    recordRow({
      order: 9.8,
      scenario: '9h a reminder claimed after the appointment started',
      bookings: phones.length,
      sent,
      duplicates: 0,
      lost: '— (expired, by design)',
      recoverySeconds: '—',
      notes: `${rows.filter((r) => r.status === 'expired').length} expired`,
    });
    expect(rows.map((r) => r.status)).toEqual(phones.map(() => 'expired'));
    expect(sent).toBe(0);
  });

  it('9i … the offline number comes back after two minutes: every message goes out once, no attempt spent waiting', async () => {
    await sleep(Math.max(0, offlineAt + OFFLINE_MS - Date.now()));
    const backAt = Date.now();
    await setInstanceState(s.system.urls.sim, OWN, 'offline-01', 'open');
    const tally = await waitAllDelivered(s.db.sql, s.system.urls.sim, 90_000, offline.ids);
    const attempts = await s.db.sql<
      { attempts: number }[]
    >`select attempts from notifications where kind = 'confirmation' and booking_id = any(${offline.ids}::uuid[])`;
    const last = Math.max(backAt, ...tally.items.flatMap((i) => i.received.map((m) => m.receivedAt)));
    recordRow({
      order: 9.9,
      scenario: '9i the only sender offline 2 min, then back',
      bookings: tally.bookings,
      sent: tally.sent,
      duplicates: tally.duplicates,
      lost: tally.lost,
      recoverySeconds: ((last - backAt) / 1000).toFixed(1),
      notes: `attempts per message: ${[...new Set(attempts.map((a) => a.attempts))].join('/')} (waiting costs none); time = number back → last delivery`,
    });
    expect(tally.lost, s.diagnose()).toBe(0);
    expect(tally.duplicates).toBe(0);
    expect(Math.max(...attempts.map((a) => a.attempts))).toBeLessThanOrEqual(2);
  });

  it('leaks no key, token or customer number in any log line', () => {
    const audit = s.audit();
    recordAudit('delivery-truth', {
      lines: audit.lines,
      processes: s.system.all.length,
      findings: audit.findings.length,
    });
    expect(audit.findings).toEqual([]);
  });
});
