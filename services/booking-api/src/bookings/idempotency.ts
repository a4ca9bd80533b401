import { createHash } from 'node:crypto';
import { AppError } from '@bora/core';
import type { Sql } from '@bora/db';
import type { BookingView } from './booking-store.ts';

/** JSON with keys sorted at every level, so `{a,b}` and `{b,a}` are the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonical(body)).digest('hex');
}

export function keyReused(): AppError {
  return new AppError(
    'IDEMPOTENCY_KEY_REUSED',
    'Esta Idempotency-Key já foi usada com outro corpo de requisição; use uma chave nova',
    { statusCode: 422 },
  );
}

/**
 * Runs `work` holding a session advisory lock on (tenant, key), on one reserved connection.
 * Concurrent retries of one key queue on the lock; the first creates the booking, enqueues and
 * stores its final response before letting go, so every later one replays exactly that body.
 * (A transaction-scoped lock would be released at commit, before the enqueue that decides the
 * notification statuses, and retries could then see a body different from the first answer.)
 * The unlock sits in `finally`; if the connection itself dies, Postgres drops the lock with it.
 */
export async function withKeyLock<T>(
  sql: Sql,
  tenantId: string,
  key: string,
  work: (conn: Sql) => Promise<T>,
): Promise<T> {
  const conn = await sql.reserve();
  const lockId = `${tenantId}:${key}`;
  try {
    await conn`select pg_advisory_lock(hashtextextended(${lockId}, 0))`;
    try {
      return await work(conn);
    } finally {
      await conn`select pg_advisory_unlock(hashtextextended(${lockId}, 0))`;
    }
  } finally {
    conn.release();
  }
}

export interface Replay {
  requestHash: string;
  body: BookingView;
}

export async function findLiveKey(conn: Sql, tenantId: string, key: string): Promise<Replay | undefined> {
  const rows = await conn<{ requestHash: string; body: BookingView }[]>`
    select request_hash as "requestHash", response_body as body
    from idempotency_keys
    where tenant_id = ${tenantId}::uuid and key = ${key} and expires_at > now()`;
  return rows[0];
}

export async function storeFinalBody(conn: Sql, tenantId: string, key: string, body: BookingView): Promise<void> {
  await conn`
    update idempotency_keys set response_body = ${JSON.stringify(body)}::jsonb
    where tenant_id = ${tenantId}::uuid and key = ${key}`;
}
