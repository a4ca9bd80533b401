import { waitFor } from '@bora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, recordRow } from '../src/report.ts';
import { openScenario, TENANT, type Scenario } from '../src/scenario.ts';
import { setServerFaults, setWebhookOptions } from '../src/sim-control.ts';
import { waitAllDelivered } from '../src/tally.ts';
import { bookingRequest, burst, sleep } from '../src/traffic.ts';

// Evolution retries webhooks (so duplicates come), delivers receipts of different messages in
// parallel, and a receipt can arrive right on the heels of the send. Whatever the order and the
// number of copies, each notification must end in the status of its furthest receipt.
let s: Scenario;
const NEVER = 3_600_000;

beforeAll(async () => {
  s = await openScenario({
    env: { SWEEP_INTERVAL_MS: '1000' },
    simWebhook: { ackDelaysMs: [0, 0, 0], duplicateRate: 1 },
  });
});

afterAll(async () => {
  await s?.cleanup();
});

async function book(label: string, count: number): Promise<string[]> {
  const specs = Array.from({ length: count }, (_, i) => bookingRequest(label, i));
  s.phones.push(...specs.map((r) => r.phone));
  const results = await burst(s.system.urls.booking, TENANT, specs, 10);
  expect(results.filter((r) => r.status !== 201)).toEqual([]);
  return results.map((r) => r.body!.id!);
}

async function statuses(
  bookingIds: string[],
): Promise<Map<string, { status: string; delivered: boolean; read: boolean; messageId: string; serverId: string }>> {
  const rows = await s.db.sql<
    {
      booking_id: string;
      status: string;
      delivered_at: unknown;
      read_at: unknown;
      message_id: string;
      evolution_api_id: string;
    }[]
  >`
    select booking_id, status, delivered_at, read_at, message_id, evolution_api_id from notifications
     where kind = 'confirmation' and booking_id = any(${bookingIds}::uuid[])`;
  return new Map(
    rows.map((r) => [
      r.booking_id,
      {
        status: r.status,
        delivered: r.delivered_at !== null,
        read: r.read_at !== null,
        messageId: r.message_id,
        serverId: r.evolution_api_id,
      },
    ]),
  );
}

function postWebhook(serverId: string, secret: string, body: unknown) {
  return fetch(`${s.system.urls.admin}/webhooks/evolution/${serverId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-bora-webhook-secret': secret },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}

const receipt = (keyId: string, status: string, event = 'messages.update') => ({
  event,
  instance: 'caos-01',
  data: { keyId, remoteJid: 'x@s.whatsapp.net', fromMe: true, status },
});

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('Evolution webhooks replayed, duplicated and out of order', () => {
  it('every webhook twice, receipts right on the heels of the send: all confirmations end read', async () => {
    const ids = await book('hook-dup', 60);
    const started = Date.now();
    const tally = await waitAllDelivered(s.db.sql, s.system.urls.sim, 60_000, ids);
    let final = await statuses(ids);
    const deadline = Date.now() + 20_000;
    while ([...final.values()].some((n) => n.status !== 'read') && Date.now() < deadline) {
      await sleep(500);
      final = await statuses(ids);
    }
    const notRead = [...final.values()].filter((n) => n.status !== 'read' || !n.delivered || !n.read);
    recordRow({
      order: 6.1,
      scenario: '6a webhooks: every one twice, acks at 0 ms',
      bookings: tally.bookings,
      sent: tally.sent,
      duplicates: tally.duplicates,
      lost: tally.lost,
      recoverySeconds: ((Date.now() - started) / 1000).toFixed(1),
      notes: `${ids.length - notRead.length}/${ids.length} ended read (with delivered_at and read_at); time = booked → all read`,
    });
    expect(tally.lost, s.diagnose()).toBe(0);
    expect(notRead.map((n) => n.status)).toEqual([]);
  });

  it('receipts replayed in any order, many times, concurrently: each ends at its furthest receipt', async () => {
    // From here the simulator sends no receipts of its own: the test plays Evolution.
    await setWebhookOptions(s.system.urls.sim, { ackDelaysMs: [NEVER, NEVER, NEVER], duplicateRate: 0 });
    const ids = await book('hook-order', 45);
    const tally = await waitAllDelivered(s.db.sql, s.system.urls.sim, 60_000, ids);
    const sent = await statuses(ids);
    const server = s.system.servers.find((x) => x.id === [...sent.values()][0]!.serverId)!;
    // Three groups: furthest receipt READ, furthest DELIVERY_ACK, only SERVER_ACK/PENDING.
    const plans = ids.map((id, i) => {
      const keyId = sent.get(id)!.messageId;
      const statusesFor = [
        ['READ', 'DELIVERY_ACK', 'SERVER_ACK', 'PLAYED'],
        ['DELIVERY_ACK', 'SERVER_ACK', 'PENDING'],
        ['SERVER_ACK', 'PENDING'],
      ][i % 3]!;
      const expected = ['read', 'delivered', 'sent'][i % 3]!;
      // Each receipt 1-3 times, uppercase event names now and then, all shuffled together.
      const posts = statusesFor.flatMap((st) =>
        Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () =>
          receipt(keyId, st, Math.random() < 0.3 ? 'MESSAGES_UPDATE' : 'messages.update'),
        ),
      );
      return { id, expected, posts };
    });
    const all = shuffle(plans.flatMap((p) => p.posts));
    // Strangers: an unknown key, and a real key claimed by another server's webhook.
    const other = s.system.servers.find((x) => x.id !== server.id)!;
    const strangers = [postWebhook(server.id, server.webhookSecret, receipt('3EB0FFFFFFFFFFFFFFFFFFFF', 'READ'))];
    strangers.push(postWebhook(other.id, other.webhookSecret, receipt(plans[1]!.posts[0]!.data.keyId, 'READ')));
    const answers = await Promise.all([
      ...all.map((body) => postWebhook(server.id, server.webhookSecret, body)),
      ...strangers,
    ]);
    const bad = answers.filter((r) => r.status !== 200).map((r) => r.status);
    // A wrong secret changes nothing.
    const forged = await postWebhook(server.id, 'not-the-secret', receipt(plans[2]!.posts[0]!.data.keyId, 'READ'));
    const final = await statuses(ids);
    const wrong = plans
      .filter((p) => final.get(p.id)!.status !== p.expected)
      .map((p) => `${p.expected}→${final.get(p.id)!.status}`);
    recordRow({
      order: 6.2,
      scenario: '6b receipts replayed ×1-3, shuffled, concurrent',
      bookings: tally.bookings,
      sent: tally.sent,
      duplicates: tally.duplicates,
      lost: tally.lost,
      recoverySeconds: '—',
      notes: `${all.length} receipts + 2 strangers + 1 forged; ${plans.length - wrong.length}/${plans.length} ended at their furthest receipt${wrong.length ? ` (wrong: ${wrong.join(', ')})` : ''}`,
    });
    expect(bad).toEqual([]);
    expect(forged.status).toBe(401);
    expect(wrong, s.diagnose()).toEqual([]);
  });

  it('receipts that arrive before the send is recorded still count', async () => {
    // Evolution holds each send half a second; the dispatcher freezes while its sends are out, so
    // the 201s and the receipts (sent at 0 ms) are all in before the ledger hears of the sends.
    await setWebhookOptions(s.system.urls.sim, { ackDelaysMs: [0, 0, 0], duplicateRate: 0 });
    await setServerFaults(s.system.urls.sim, 'evo1', { latencyMs: 500 });
    const specs = Array.from({ length: 10 }, (_, i) => bookingRequest('hook-early', i));
    s.phones.push(...specs.map((r) => r.phone));
    const results = await burst(s.system.urls.booking, TENANT, specs, 10);
    const ids = results.map((r) => r.body!.id!);
    await waitFor(
      async () =>
        (
          await s.db
            .sql`select 1 from notifications where kind = 'confirmation' and status = 'sending' and booking_id = any(${ids}::uuid[])`
        ).length > 0,
      {
        timeoutMs: 10_000,
        intervalMs: 20,
        what: 'a send in flight',
      },
    );
    s.system.dispatchers[0]!.pause();
    await sleep(2_500);
    s.system.dispatchers[0]!.resume();
    await setServerFaults(s.system.urls.sim, 'evo1', { latencyMs: 0 });
    const tally = await waitAllDelivered(s.db.sql, s.system.urls.sim, 60_000, ids);
    let final = await statuses(ids);
    const deadline = Date.now() + 15_000;
    while ([...final.values()].some((n) => n.status !== 'read') && Date.now() < deadline) {
      await sleep(500);
      final = await statuses(ids);
    }
    const counts = [...final.values()].reduce<Record<string, number>>(
      (acc, n) => ({ ...acc, [n.status]: (acc[n.status] ?? 0) + 1 }),
      {},
    );
    recordRow({
      order: 6.3,
      scenario: '6c receipts before the send is recorded',
      bookings: tally.bookings,
      sent: tally.sent,
      duplicates: tally.duplicates,
      lost: tally.lost,
      recoverySeconds: '—',
      notes: `dispatcher frozen 2.5 s with sends out, receipts at 0 ms; final statuses ${JSON.stringify(counts)}`,
    });
    expect(tally.lost, s.diagnose()).toBe(0);
    expect(counts).toEqual({ read: ids.length });
  });

  it('connection events duplicated: the instance ends in the state of the last event', async () => {
    const server = s.system.servers.find((x) => x.instances.some((i) => i.name === 'shared-02'))!;
    const event = (state: string) => ({
      event: 'connection.update',
      instance: 'shared-02',
      data: { instance: 'shared-02', state, statusReason: 200 },
    });
    const status = async () =>
      (
        await s.db.sql<{ status: string }[]>`select status from whatsapp_instances where instance_name = 'shared-02'`
      )[0]!.status;
    for (const state of ['close', 'close', 'open', 'open', 'close', 'close', 'close'])
      await postWebhook(server.id, server.webhookSecret, event(state));
    const afterClose = await status();
    await postWebhook(server.id, server.webhookSecret, { event: 'LOGOUT_INSTANCE', instance: 'shared-02', data: null });
    await postWebhook(server.id, server.webhookSecret, { event: 'logout.instance', instance: 'shared-02', data: null });
    const afterLogout = await status();
    for (const state of ['connecting', 'connecting', 'open', 'open'])
      await postWebhook(server.id, server.webhookSecret, event(state));
    expect([afterClose, afterLogout, await status()]).toEqual(['disconnected', 'disconnected', 'connected']);
  });

  it('leaks no key, token or customer number in any log line', () => {
    const audit = s.audit();
    recordAudit('webhooks', { lines: audit.lines, processes: s.system.all.length, findings: audit.findings.length });
    expect(audit.findings).toEqual([]);
  });
});
