import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { quoteIdent } from '../src/migrate.ts';

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The server's maintenance database: `TEST_DATABASE_URL`'s server, else the local one. */
export function adminUrl(env: Record<string, string | undefined> = process.env): string {
  if (!env.TEST_DATABASE_URL) return LOCAL_POSTGRES;
  const url = new URL(env.TEST_DATABASE_URL);
  url.pathname = '/postgres';
  return url.toString();
}

/** A database name nobody has used, on the same server; nothing is created until migrate runs. */
export function uniqueDatabaseUrl(admin: string): { name: string; url: string } {
  // The bora_test_ prefix marks it as a test leftover should a run be killed before cleanup.
  const name = `bora_test_migrate_${randomBytes(6).toString('hex')}`;
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

export async function databaseExists(admin: string, name: string): Promise<boolean> {
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    return (await sql`select 1 from pg_database where datname = ${name}`).length > 0;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function dropDatabase(admin: string, name: string): Promise<void> {
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
