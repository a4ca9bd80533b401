import type { Sql } from '@bora/db';
import fc from 'fast-check';

/** Strings that have broken web services before: injection, encodings, control characters, size. */
const NASTY_STRINGS = [
  "'; drop table bookings; --",
  "' or '1'='1",
  '1; select pg_sleep(10)',
  '$1',
  '%00',
  '\u0000',
  '\u202e\u0041\u0042', // right-to-left override
  '🙂👍🏽‍♀️',
  '𝕳𝖊𝖑𝖑𝖔',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${process.env}',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  'NaN',
  '-1',
  '1e309',
  '9999-99-99T99:99:99Z',
  '2030-02-30T10:00:00-03:00',
  '+55 (11) 9 8765-4321 ramal 2',
  ' ',
  '',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  // Huge: past every field limit, sometimes past the body limit.
  fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
);

/** Nesting no schema expects, deep enough to hurt a recursive validator or serializer. */
const deep = fc
  .integer({ min: 50, max: 1_000 })
  .map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1e308, -1e-308, 2 ** 53 + 1, 1.5),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(hostileString, { maxLength: 5 }),
  fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  deep,
);

/**
 * A body built from a valid one: a field replaced by a hostile value, a field removed, extra
 * fields added — or something that is not an object at all.
 */
export function hostileBody(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const replaced = keys.length
    ? fc.tuple(fc.constantFrom(...keys), hostileValue).map(([key, value]) => ({ ...valid, [key]: value }))
    : fc.constant(valid);
  const removed = keys.length
    ? fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key)))
    : fc.constant(valid);
  const extra = fc
    .dictionary(
      hostileString.filter((k) => !keys.includes(k)),
      hostileValue,
      { minKeys: 1, maxKeys: 3 },
    )
    .map((more) => ({ ...valid, ...more }));
  return fc.oneof(replaced, replaced, removed, extra, hostileValue, fc.jsonValue());
}

export interface Probe {
  method: string;
  path: string;
  body?: unknown;
  /** Send the body as-is (a string that may not be JSON at all). */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface ProbeAnswer {
  status: number;
  ms: number;
  contentType: string;
  json: unknown;
  /** No answer within the deadline. */
  hung: boolean;
}

export async function send(base: string, probe: Probe, timeoutMs = 5_000): Promise<ProbeAnswer> {
  const started = performance.now();
  const hasBody = probe.raw !== undefined || probe.body !== undefined;
  try {
    const res = await fetch(`${base}${probe.path}`, {
      method: probe.method,
      headers: { ...(hasBody ? { 'content-type': probe.contentType ?? 'application/json' } : {}), ...probe.headers },
      body: probe.raw ?? (probe.body === undefined ? undefined : JSON.stringify(probe.body)),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const contentType = res.headers.get('content-type') ?? '';
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, ms: performance.now() - started, contentType, json, hung: false };
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    return {
      status: 0,
      ms: performance.now() - started,
      contentType: '',
      json: { error: String(cause?.message ?? error) },
      hung: (error as Error).name === 'TimeoutError',
    };
  }
}

export function isErrorShape(json: unknown): boolean {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string' && error.code.length > 0;
}

const TABLES = [
  'tenants',
  'evolution_apis',
  'whatsapp_instances',
  'bookings',
  'notifications',
  'delivery_attempts',
  'idempotency_keys',
  'inbound_messages',
  'contact_preferences',
  'consent_events',
];

/** Every row of every table, hashed: any insert, update or delete changes it. */
export async function databaseFingerprint(sql: Sql): Promise<string> {
  const parts = await Promise.all(
    TABLES.map(async (table) => {
      const [row] = await sql.unsafe<{ n: number; h: string | null }[]>(
        `select count(*)::int as n, md5(string_agg(t::text, '|' order by t::text)) as h from ${table} t`,
      );
      return `${table}:${row!.n}:${row!.h ?? '-'}`;
    }),
  );
  return parts.join(' ');
}
