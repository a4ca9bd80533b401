import { waitFor } from '@bora/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  databaseFingerprint,
  hostileBody,
  hostileString,
  hostileValue,
  isErrorShape,
  send,
  type Probe,
} from '../src/fuzz.ts';
import { recordAudit, recordRow } from '../src/report.ts';
import { openScenario, TENANT, type Scenario } from '../src/scenario.ts';
import { waitAllDelivered } from '../src/tally.ts';
import { bookingRequest, postBooking } from '../src/traffic.ts';

// Every public and admin route, fed random and hostile input by fast-check: never a 500, never a
// hang, the error envelope on every 4xx, and a rejected request leaves the database as it was.
const RUNS = Number(process.env.CHAOS_FUZZ_RUNS ?? 100);
let s: Scenario;
let bookingId: string;
let instanceId: string;
let serverId: string;
const stats = { requests: 0, byStatus: new Map<number, number>(), slowestMs: 0 };

beforeAll(async () => {
  // No health poll: nothing but the fuzzed requests may write to the database.
  s = await openScenario({ env: { HEALTH_POLL_INTERVAL_MS: '3600000' }, simWebhook: { ackDelaysMs: [50, 100, 150] } });
  const spec = bookingRequest('fuzz', 0);
  s.phones.push(spec.phone);
  bookingId = (await postBooking(s.system.urls.booking, TENANT, spec)).body!.id!;
  await waitAllDelivered(s.db.sql, s.system.urls.sim, 30_000, [bookingId]);
  // Its last receipt in too: from here the database changes only if a fuzzed request changes it.
  await waitFor(
    async () =>
      (await s.db.sql`select 1 from notifications where booking_id = ${bookingId} and status = 'read'`).length === 1,
    {
      timeoutMs: 15_000,
      what: 'the seed confirmation read',
    },
  );
  // The dispatcher leaves: a booking a fuzzer happens to make valid must not be sent meanwhile.
  await s.system.dispatchers[0]!.stop();
  serverId = (await s.db.sql<{ id: string }[]>`select id from evolution_apis order by name limit 1`)[0]!.id;
  instanceId = (await s.db.sql<{ id: string }[]>`select id from whatsapp_instances order by instance_name limit 1`)[0]!
    .id;
});

afterAll(async () => {
  await s?.cleanup();
});

const ascii = hostileString.map((v) => v.replace(/[^\x20-\x7e]/g, '').slice(0, 200));
const segment = fc.oneof(
  hostileString.map((v) => encodeURIComponent(v.slice(0, 300))),
  fc.uuid(),
  fc.constantFrom('..', '%2e%2e', '%00', '%ff', '%'),
);
const future = () => new Date(Date.now() + 5 * 86_400_000).toISOString();
const adminAuth = () => ({ authorization: `Bearer ${s.system.adminToken}` });

/** Sends each probe, checks the invariants, and remembers the outcome for the table. */
async function check(service: 'booking' | 'admin', probe: Probe): Promise<void> {
  const before = await databaseFingerprint(s.db.sql);
  const answer = await send(s.system.urls[service], probe);
  stats.requests += 1;
  stats.byStatus.set(answer.status, (stats.byStatus.get(answer.status) ?? 0) + 1);
  stats.slowestMs = Math.max(stats.slowestMs, answer.ms);
  const what = `${probe.method} ${probe.path.slice(0, 120)} → ${answer.status}`;
  expect(answer.hung, `${what}: no answer in 5 s`).toBe(false);
  expect(answer.status, `${what}: no HTTP answer (${JSON.stringify(answer.json)})`).toBeGreaterThan(0);
  expect(answer.status, `${what}: server error ${JSON.stringify(answer.json)?.slice(0, 200)}`).toBeLessThan(500);
  if (answer.status >= 400) {
    if (answer.contentType.includes('text/html'))
      expect(probe.path.startsWith('/v1/'), `${what}: HTML error from the JSON API`).toBe(false);
    else expect(isErrorShape(answer.json), `${what}: ${JSON.stringify(answer.json)?.slice(0, 200)}`).toBe(true);
    expect(await databaseFingerprint(s.db.sql), `${what}: a rejected request changed the database`).toBe(before);
  }
}

function fuzz<T>(service: 'booking' | 'admin', arb: fc.Arbitrary<T>, toProbe: (value: T) => Probe): Promise<void> {
  return fc.assert(
    fc.asyncProperty(arb, (value) => check(service, toProbe(value))),
    { numRuns: RUNS, endOnFailure: true },
  );
}

const json = (method: string, path: string, body: unknown, headers?: Record<string, string>): Probe => ({
  method,
  path,
  body,
  headers,
});

describe('fuzzing every route with hostile input', () => {
  it('booking-api: tenant, booking, cancel, mini-site', async () => {
    const valid = () => ({ customerName: 'Ana', customerPhone: '11987654321', service: 'Corte', startsAt: future() });
    await fuzz('booking', segment, (slug) => json('GET', `/v1/tenants/${slug}`, undefined));
    await fuzz('booking', fc.tuple(hostileBody(valid()), ascii), ([body, key]) =>
      json('POST', `/v1/tenants/${TENANT}/bookings`, body, key ? { 'idempotency-key': key } : undefined),
    );
    await fuzz('booking', fc.tuple(segment, hostileBody(valid())), ([slug, body]) =>
      json('POST', `/v1/tenants/${slug}/bookings`, body),
    );
    await fuzz('booking', fc.tuple(segment, segment), ([slug, id]) =>
      json('GET', `/v1/tenants/${slug}/bookings/${id}`, undefined),
    );
    await fuzz('booking', fc.tuple(segment, hostileBody({ reason: 'x' })), ([id, body]) =>
      json('POST', `/v1/tenants/${TENANT}/bookings/${id}/cancel`, body),
    );
    // Raw bodies: not JSON at all, or JSON under the wrong content type.
    await fuzz(
      'booking',
      fc.tuple(
        hostileString,
        fc.constantFrom('application/json', 'text/plain', 'application/xml', 'multipart/form-data'),
      ),
      ([raw, type]) => ({
        method: 'POST',
        path: `/v1/tenants/${TENANT}/bookings`,
        raw,
        contentType: type,
      }),
    );
    await fuzz('booking', segment, (slug) => json('GET', `/${slug}`, undefined));
    await fuzz(
      'booking',
      fc.dictionary(
        fc.constantFrom('customerName', 'customerPhone', 'service', 'startsAt', 'date', 'time', 'x'),
        hostileString,
      ),
      (form) => ({
        method: 'POST',
        path: `/${TENANT}`,
        raw: new URLSearchParams(form).toString(),
        contentType: 'application/x-www-form-urlencoded',
      }),
    );
    await fuzz('booking', fc.tuple(segment, segment), ([slug, id]) =>
      json('GET', `/${slug}/agendamentos/${id}`, undefined),
    );
    // The manage page: a forged or hostile token is a page saying so, never a 5xx.
    await fuzz('booking', fc.tuple(segment, segment), ([slug, token]) =>
      json('GET', `/${slug}/gerenciar/${token}`, undefined),
    );
    await fuzz(
      'booking',
      fc.tuple(
        segment,
        fc.constantFrom('confirmar', 'cancelar', 'remarcar'),
        fc.dictionary(fc.constantFrom('date', 'time', 'reason', 'x'), hostileString),
      ),
      ([token, action, form]) => ({
        method: 'POST',
        path: `/${TENANT}/gerenciar/${token}/${action}`,
        raw: new URLSearchParams(form).toString(),
        contentType: 'application/x-www-form-urlencoded',
      }),
    );
  });

  it('admin-api: tenants, Evolution APIs, WhatsApps, messages, notifications, stats', async () => {
    const auth = adminAuth();
    await fuzz(
      'admin',
      hostileBody({ slug: 'nova-loja', name: 'Nova', timezone: 'America/Sao_Paulo', reminderLeadMinutes: 60 }),
      (b) => json('POST', '/v1/tenants', b, auth),
    );
    await fuzz(
      'admin',
      fc.tuple(segment, hostileBody({ name: 'Outro nome', templates: { confirmation: 'Oi {cliente}' } })),
      ([slug, b]) => json('PATCH', `/v1/tenants/${slug}`, b, auth),
    );
    await fuzz(
      'admin',
      hostileBody({ name: 'Evo X', url: 'http://127.0.0.1:9/x', apiKey: 'k', capacity: 20, priority: 1 }),
      (b) => json('POST', '/v1/evolution-apis', b, auth),
    );
    await fuzz(
      'admin',
      fc.tuple(fc.constantFrom(serverId, 'x'), hostileBody({ priority: 3, isActive: true })),
      ([id, b]) => json('PATCH', `/v1/evolution-apis/${id}`, b, auth),
    );
    await fuzz('admin', hostileBody({ phoneNumber: '11987650000', displayName: 'Novo', tenantSlug: TENANT }), (b) =>
      json('POST', '/v1/whatsapp-instances', b, auth),
    );
    await fuzz(
      'admin',
      fc.tuple(fc.constantFrom(instanceId, 'x'), hostileBody({ displayName: 'Outro', status: 'connected' })),
      ([id, b]) => json('PATCH', `/v1/whatsapp-instances/${id}`, b, auth),
    );
    await fuzz('admin', hostileBody({ tenantSlug: TENANT, to: '11987654321', text: 'Olá' }), (b) =>
      json('POST', '/v1/messages', b, auth),
    );
    await fuzz('admin', segment, (id) => json('POST', `/v1/notifications/${id}/retry`, undefined, auth));
    await fuzz(
      'admin',
      fc.tuple(
        fc.constantFrom('GET', 'DELETE'),
        fc.constantFrom('tenants', 'evolution-apis', 'whatsapp-instances', 'messages'),
        segment,
      ),
      ([method, kind, id]) => json(method, `/v1/${kind}/${id}`, undefined, auth),
    );
    await fuzz('admin', fc.tuple(segment, segment), ([status, slug]) =>
      json('GET', `/v1/notifications?status=${status}&tenantSlug=${slug}`, undefined, auth),
    );
    await fuzz('admin', segment, (status) => json('GET', `/v1/whatsapp-instances?status=${status}`, undefined, auth));
    await fuzz('admin', fc.tuple(segment, segment, segment), ([slug, state, limit]) =>
      json('GET', `/v1/inbox?tenantSlug=${slug}&state=${state}&limit=${limit}`, undefined, auth),
    );
    await fuzz('admin', segment, (id) => json('POST', `/v1/inbox/${id}/handled`, undefined, auth));
    await fuzz('admin', fc.tuple(segment, fc.constantFrom('opt-outs', 'bookings'), segment), ([slug, what, from]) =>
      json('GET', `/v1/tenants/${slug}/${what}?from=${from}`, undefined, auth),
    );
    await fuzz('admin', fc.tuple(segment, fc.constantFrom('check', 'webhook', 'qr')), ([id, what]) =>
      json(
        what === 'check' ? 'POST' : 'GET',
        what === 'qr' ? `/v1/whatsapp-instances/${id}/qr` : `/v1/evolution-apis/${id}/${what}`,
        undefined,
        auth,
      ),
    );
    // Without the token, or with a hostile one: 401 with the envelope, whatever the route.
    await fuzz(
      'admin',
      fc.tuple(ascii, fc.constantFrom('/v1/tenants', '/v1/stats/usage', '/v1/evolution-apis')),
      ([token, path]) => json('GET', path, undefined, token ? { authorization: `Bearer ${token}` } : {}),
    );
  });

  it('admin-api: Evolution webhooks and the login form', async () => {
    const server = s.system.servers[0]!;
    const secret = { 'x-bora-webhook-secret': server.webhookSecret };
    const envelope = {
      event: 'messages.update',
      instance: 'caos-01',
      data: { keyId: '3EB0AB', status: 'READ', fromMe: true },
    };
    await fuzz('admin', hostileBody(envelope), (b) => json('POST', `/webhooks/evolution/${server.id}`, b, secret));
    await fuzz('admin', fc.tuple(hostileValue, hostileValue), ([event, data]) =>
      json('POST', `/webhooks/evolution/${server.id}`, { event, instance: 'caos-01', data }, secret),
    );
    await fuzz('admin', fc.tuple(segment, ascii), ([id, key]) =>
      json('POST', `/webhooks/evolution/${id}?secret=${encodeURIComponent(key)}`, envelope),
    );
    await fuzz('admin', ascii, (token) => ({
      method: 'POST',
      path: '/admin/login',
      raw: new URLSearchParams({ token }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    }));
  });

  it('records the fuzzing row', () => {
    const statuses = [...stats.byStatus].sort(([a], [b]) => a - b).map(([code, n]) => `${code}×${n}`);
    recordRow({
      order: 8,
      scenario: `8 fuzz: ${stats.requests} hostile requests, ${RUNS} runs per route`,
      bookings: '—',
      sent: '—',
      duplicates: '—',
      lost: '—',
      recoverySeconds: '—',
      notes: `statuses ${statuses.join(' ')}; slowest ${Math.round(stats.slowestMs)} ms; no 5xx, no hang, envelope on every JSON 4xx, database unchanged by every rejection`,
    });
  });

  it('leaks no key, token or customer number in any log line', () => {
    const audit = s.audit();
    recordAudit('fuzz', { lines: audit.lines, processes: s.system.all.length, findings: audit.findings.length });
    expect(audit.findings).toEqual([]);
  });
});
