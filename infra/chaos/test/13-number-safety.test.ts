import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { notifyFleetChanged } from '@bora/db';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetSpec } from '../src/seed-fleet.ts';
import { RESULTS_DIR, recordAudit, recordRow } from '../src/report.ts';
import { openScenario, type Scenario } from '../src/scenario.ts';
import { setInstanceFaults } from '../src/sim-control.ts';
import { simMessages, waitAllDelivered } from '../src/tally.ts';
import { bookingRequest, burst, uniquePhone } from '../src/traffic.ts';

// Number safety on, as in production, with every budget window shrunk by SAFETY_TIME_SCALE=2880:
// a simulated day lasts 30.24 s, an hour 1.26 s, a minute 21 ms; the budgets keep their production
// values (8/min, 200/h, 1,500/day, warm-up 20, 36, 65…). Pacing gaps are scaled by hand (2–4 ms).
const SCALE = 2_880;
const DAY_MS = 21 * 60 * 24;
const HOUR_MS = 21 * 60;
const CAPS = [20, 36, 65, 117, 210, 378, 680];
const RECEIPT_WINDOW_MS = 2_000;
const HEALTH_INTERVAL_MS = 500;
const OWNER = uniquePhone();

const fleet: FleetSpec = {
  tenants: [
    { slug: 'cheia', name: 'Barbearia Cheia', allowSharedSender: false },
    { slug: 'some', name: 'Salão Some', allowSharedSender: false },
    { slug: 'religa', name: 'Estúdio Religa', allowSharedSender: true },
  ],
  servers: [
    {
      name: 'Evolution 1',
      simName: 'evo1',
      priority: 10,
      instances: [
        { name: 'cheia-novo', phone: '5511990001201', tenant: 'cheia', isPrimary: true },
        { name: 'cheia-2dia', phone: '5511990001202', tenant: 'cheia' },
        { name: 'some-a', phone: '5511990001203', tenant: 'some', isPrimary: true },
        { name: 'some-b', phone: '5511990001204', tenant: 'some' },
        { name: 'religa-01', phone: '5511990001205', tenant: 'religa', isPrimary: true },
      ],
    },
    {
      name: 'Evolution 2',
      simName: 'evo2',
      priority: 5,
      instances: [{ name: 'shared-01', phone: '5511990001206', tenant: null, isPrimary: true }],
    },
  ],
};

let s: Scenario;
let browser: Browser;
const shots = join(RESULTS_DIR, 'screenshots');

beforeAll(async () => {
  s = await openScenario({
    fleet,
    env: {
      NUMBER_SAFETY: 'true',
      SAFETY_TIME_SCALE: String(SCALE),
      PACING_MIN_INTERVAL_MS: '2',
      PACING_JITTER_MS: '2',
      TYPING_MS_PER_CHAR: '0',
      TYPING_MIN_MS: '0',
      TYPING_MAX_MS: '0',
      HEALTH_RECEIPT_WINDOW_MS: String(RECEIPT_WINDOW_MS),
      HEALTH_INTERVAL_MS: String(HEALTH_INTERVAL_MS),
      HEALTH_MIN_SENDS: '4',
      SWEEP_INTERVAL_MS: '250',
      HEALTH_POLL_INTERVAL_MS: '1000',
    },
    simWebhook: { ackDelaysMs: [50, 120, 250] },
  });
  const { sql } = s.db;
  // cheia-novo was linked just now (warm-up day 1); cheia-2dia a simulated day ago (day 2). The
  // others are warm, some-a and some-b with a small hourly budget so their burst lasts a while.
  await sql`update whatsapp_instances set warm_since = now() - ${DAY_MS} * interval '1 millisecond', last_sent_at = now() where instance_name = 'cheia-2dia'`;
  await sql`update whatsapp_instances set marked_warm_at = now() + interval '1 second' where instance_name in ('some-a', 'some-b', 'religa-01', 'shared-01')`;
  await sql`update whatsapp_instances set budget_per_hour = 5 where instance_name in ('some-a', 'some-b')`;
  await sql`update tenants set owner_phone = ${OWNER} where slug = 'religa'`;
  await notifyFleetChanged(sql);
  s.phones.push(OWNER);
  // some-a says "open" and swallows every message: 201 PENDING, never a receipt.
  await setInstanceFaults(s.system.urls.sim, 'evo1', 'some-a', { receipts: 'never' });
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
});

afterAll(async () => {
  await browser?.close();
  await s?.cleanup();
});

async function book(tenant: string, label: string, count: number): Promise<string[]> {
  const specs = Array.from({ length: count }, (_, i) => bookingRequest(label, i));
  s.phones.push(...specs.map((r) => r.phone));
  const results = await burst(s.system.urls.booking, tenant, specs, 8);
  expect(results.filter((r) => r.status !== 201)).toEqual([]);
  return results.map((r) => r.body!.id!);
}

async function adminPage() {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${s.system.urls.admin}/admin/login`);
  await page.getByLabel('Token de administrador').fill(s.system.adminToken);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.waitForURL(`${s.system.urls.admin}/admin`);
  return { page, close: () => context.close() };
}

describe('number safety with every process running', () => {
  it('a simulated day: a burst of 80 bookings on one business stays inside every budget and warm-up, and all of it is sent', async () => {
    const started = Date.now();
    const ids = await book('cheia', 'dia', 80);
    const tally = await waitAllDelivered(s.db.sql, s.system.urls.sim, 150_000, ids);
    const [since] = await s.db.sql<{ novo: Date; dois: Date }[]>`
      select max(warm_since) filter (where instance_name = 'cheia-novo') as novo, max(warm_since) filter (where instance_name = 'cheia-2dia') as dois
        from whatsapp_instances`;
    const warmSince: Record<string, number> = {
      'cheia-novo': new Date(since!.novo).getTime(),
      'cheia-2dia': new Date(since!.dois).getTime(),
    };
    const received = tally.items.flatMap((i) => i.received);
    const notes: string[] = [];
    for (const instance of Object.keys(warmSince)) {
      const times = received
        .filter((m) => m.instance === instance)
        .map((m) => m.receivedAt)
        .sort((a, b) => a - b);
      const dayOf = (t: number) => Math.floor((t - warmSince[instance]!) / DAY_MS) + 1;
      const perDay = [...new Set(times.map(dayOf))].map(
        (d) => [d, times.filter((t) => dayOf(t) === d).length] as const,
      );
      for (const [day, n] of perDay) expect(n, `${instance} on warm-up day ${day}`).toBeLessThanOrEqual(CAPS[day - 1]!);
      const densest = (windowMs: number) =>
        Math.max(...times.map((t) => times.filter((o) => o >= t && o < t + windowMs - 5).length));
      expect(densest(HOUR_MS), `${instance} in a simulated hour`).toBeLessThanOrEqual(200);
      notes.push(`${instance}: ${perDay.map(([d, n]) => `day ${d} ${n}/${CAPS[d - 1]}`).join(', ')}`);
    }
    recordRow({
      order: 13.1,
      scenario: '13a simulated day, burst on one business',
      bookings: tally.bookings,
      sent: tally.sent,
      duplicates: tally.duplicates,
      lost: tally.lost,
      recoverySeconds: ((Date.now() - started) / 1000).toFixed(1),
      notes: `SAFETY_TIME_SCALE=${SCALE} (a day = ${DAY_MS / 1000} s); ${notes.join('; ')}; no shared sender (not allowed); time = burst → last delivery`,
    });
    expect(tally.lost, s.diagnose()).toBe(0);
    expect(tally.duplicates).toBe(0);
    expect(received.some((m) => m.instance === 'shared-01')).toBe(false);
    const [spent] = await s.db.sql<
      { max: number }[]
    >`select max(attempts)::int as max from notifications where booking_id = any(${ids})`;
    expect(spent!.max).toBe(1);

    // The fleet page: ages, today's budget and use, health — as the dispatcher's health pass wrote them.
    const { page, close } = await adminPage();
    const row = (name: string) => page.locator('#instances tr', { hasText: name });
    await row('cheia-novo')
      .getByText(/aquecimento dia \d \(\d+\/dia\)/)
      .waitFor();
    await row('cheia-novo')
      .getByText(/^\d+\/\d+$/)
      .waitFor();
    await row('cheia-novo')
      .getByText(/^\d+ · (Saudável|Instável)$/)
      .waitFor();
    await row('some-b').getByText('aquecido (operador)').waitFor();
    await page.screenshot({ path: join(shots, '13-fleet-page.png'), fullPage: true });
    await close();
  });

  it('a number that swallows its messages is out of rotation within a bounded time; the business’s other number sends the rest', async () => {
    const started = Date.now();
    const ids = await book('some', 'some', 24);
    const deadline = Date.now() + 120_000;
    let messages = await simMessages(s.system.urls.sim);
    const ours = () => messages.filter((m) => m.instance === 'some-a' || m.instance === 'some-b');
    while (
      ours().filter((m) => !m.swallowed).length + ours().filter((m) => m.swallowed).length < 24 &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      messages = await simMessages(s.system.urls.sim);
    }
    const viaA = ours().filter((m) => m.instance === 'some-a');
    const viaB = ours().filter((m) => m.instance === 'some-b');
    const firstA = Math.min(...viaA.map((m) => m.receivedAt));
    const lastA = Math.max(...viaA.map((m) => m.receivedAt));
    // Judged once a send is RECEIPT_WINDOW_MS old, by the next health pass; the snapshot follows by NOTIFY.
    const bound = RECEIPT_WINDOW_MS + 3 * HEALTH_INTERVAL_MS + 1_500;
    const [health] = await s.db.sql<{ state: string }[]>`
      select h.state from whatsapp_instance_health h join whatsapp_instances w on w.id = h.whatsapp_instance_id where w.instance_name = 'some-a'`;
    const restarts = await s.db.sql`
      select 1 from whatsapp_instance_events e join whatsapp_instances w on w.id = e.whatsapp_instance_id where w.instance_name = 'some-a' and e.kind = 'restarted'`;
    recordRow({
      order: 13.2,
      scenario: '13b a number that swallows its messages',
      bookings: ids.length,
      sent: viaB.length,
      duplicates: 0,
      lost: viaA.length,
      recoverySeconds: ((lastA - firstA) / 1000).toFixed(1),
      notes: `some-a (open, never a receipt) took ${viaA.length} before it was out of rotation (bound ${bound / 1000} s after its first send; time = its first → last send), some-b sent ${viaB.length}; some-a now ${health?.state}, restarted ${restarts.length}×; "lost" = swallowed by WhatsApp before detection`,
    });
    expect(viaA.length + viaB.length, s.diagnose()).toBe(24);
    expect(viaA.length).toBeGreaterThan(0);
    expect(lastA - firstA).toBeLessThanOrEqual(bound);
    expect(viaB.every((m) => !m.swallowed)).toBe(true);
    expect(['failing', 'degraded']).toContain(health?.state);
    expect(restarts.length).toBeGreaterThanOrEqual(1);
    void started;
  });

  it('re-linking: the owner is told by WhatsApp from the shared sender, the business’s messages go through it meanwhile, and the owner re-links alone on the page', async () => {
    const sim = s.system.urls.sim;
    await fetch(`${sim}/__sim/servers/evo1/instances/religa-01/unlink`, { method: 'POST' });
    const deadline = Date.now() + 60_000;
    let alert: { text: string; instance: string } | undefined;
    while (!alert && Date.now() < deadline) {
      alert = (await simMessages(sim)).find((m) => m.number === OWNER);
      if (!alert) await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(alert, s.diagnose()).toBeDefined();
    expect(alert!.instance).toBe('shared-01');
    expect(alert!.text).toContain('Estúdio Religa');
    const link = /https?:\/\/\S+\/relink\/\S+/.exec(alert!.text)![0];

    // Meanwhile a customer's confirmation goes out through the shared sender (the business allows it).
    const [during] = await book('religa', 'religa-durante', 1);
    const meanwhile = await waitAllDelivered(s.db.sql, sim, 60_000, [during!]);
    expect(meanwhile.items[0]!.received.map((m) => m.instance)).toEqual(['shared-01']);

    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'pt-BR',
    });
    const page = await context.newPage();
    await page.goto(link);
    await page.locator('#qr-box').waitFor({ state: 'visible', timeout: 20_000 });
    await page
      .locator('#pairing-code')
      .getByText(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/)
      .waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(shots, '13-relink-page.png'), fullPage: true });
    // The owner scans the QR with the business's phone.
    await fetch(`${sim}/__sim/servers/evo1/instances/religa-01/state`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'open' }),
    });
    await page.getByText(/Conectado!/).waitFor({ timeout: 20_000 });
    await context.close();

    // Back on its own number.
    const [after] = await book('religa', 'religa-depois', 1);
    const back = await waitAllDelivered(s.db.sql, sim, 60_000, [after!]);
    expect(back.items[0]!.received.map((m) => m.instance)).toEqual(['religa-01']);
    recordRow({
      order: 13.3,
      scenario: '13c re-link by the owner alone',
      bookings: 2,
      sent: 2,
      duplicates: 0,
      lost: 0,
      recoverySeconds: '—',
      notes:
        'unlinked on the phone → owner alerted from shared-01 with a signed link; a confirmation meanwhile via shared-01; QR + pairing code on the page; scanned → connected; the next one via religa-01',
    });
  });

  it('leaks no key, token or customer number in any log line', () => {
    const audit = s.audit();
    recordAudit('number-safety', {
      lines: audit.lines,
      processes: s.system.all.length,
      findings: audit.findings.length,
    });
    expect(audit.findings).toEqual([]);
  });
});
