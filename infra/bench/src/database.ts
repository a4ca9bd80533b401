import { databaseName, migrateDatabase, quoteIdent } from '@bora/db';
import postgres from 'postgres';
import { HARNESS_APPLICATION } from './cpu.ts';

export type Sql = postgres.Sql;

export function connect(url: string, max = 4): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: 10,
    connection: { application_name: HARNESS_APPLICATION },
  });
}

function adminUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  return parsed.toString();
}

/**
 * A clean start: the bench database is dropped (WITH FORCE, so connections left by a crashed run
 * cannot block it) and rebuilt by the same `migrateDatabase` that `pnpm start` and the tests use.
 */
export async function recreateDatabase(url: string): Promise<void> {
  await dropDatabase(url);
  await migrateDatabase(url);
}

export async function dropDatabase(url: string): Promise<void> {
  const admin = connect(adminUrl(url), 1);
  try {
    await admin.unsafe(`drop database if exists ${quoteIdent(databaseName(url))} with (force)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** Empties every domain table, so each benchmark starts from the same state. */
export async function resetData(sql: Sql): Promise<void> {
  await sql`truncate delivery_attempts, notifications, idempotency_keys, bookings, whatsapp_instances, evolution_apis, tenants restart identity cascade`;
}

/**
 * Bookings and what hangs off them, between rounds of one benchmark (fleet and tenants stay).
 * A round's last requests may still be writing when the load generator stops, and TRUNCATE's
 * exclusive lock can deadlock with them: wait them out, retry on a deadlock.
 */
export async function resetBookings(sql: Sql): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    try {
      await sql`truncate delivery_attempts, notifications, idempotency_keys, bookings restart identity cascade`;
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt >= 5) throw error;
    }
  }
}

export async function serverVersion(sql: Sql): Promise<string> {
  const [row] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
  return row?.v ?? 'unknown';
}
