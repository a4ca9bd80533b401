import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, migrateDatabase } from '../src/migrate.ts';
import * as schema from '../src/schema/index.ts';
import { adminUrl, databaseExists, dropDatabase, uniqueDatabaseUrl } from './server.ts';

// migrateDatabase on a server that has never seen the database: what `pnpm start`, the compose
// `migrate` job and every replica rely on when they all call it at boot.

const ADMIN = adminUrl();
const CLI = fileURLToPath(new URL('../src/cli/migrate.ts', import.meta.url));
const TSX = createRequire(import.meta.url).resolve('tsx');
const UNREACHABLE = 'postgres://postgres@127.0.0.1:1/bora_unreachable';

const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
  entries: unknown[];
};
const schemaTables = (Object.values(schema) as unknown[])
  .flatMap((value) => (is(value, PgTable) ? [getTableName(value)] : []))
  .sort();

const created: string[] = [];
afterAll(async () => {
  for (const name of created) await dropDatabase(ADMIN, name);
});

function freshDatabase() {
  const database = uniqueDatabaseUrl(ADMIN);
  created.push(database.name);
  return database;
}

/** Everything a migration could change, so "the second run did nothing" is a plain equality. */
async function fingerprint(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`;
    const columns = await sql`
      select table_name, column_name, data_type, is_nullable, column_default
      from information_schema.columns where table_schema = 'public' order by 1, 2`;
    const constraints = await sql`
      select conrelid::regclass::text as "table", conname, pg_get_constraintdef(oid) as def
      from pg_constraint where connamespace = 'public'::regnamespace order by 1, 2`;
    const indexes = await sql`select indexname, indexdef from pg_indexes where schemaname = 'public' order by 1`;
    const migrations = await sql`select id, hash, created_at from drizzle.__drizzle_migrations order by id`;
    return { tables: tables.map((t) => t.table_name as string), columns, constraints, indexes, migrations };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function runCli(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', TSX, CLI], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('migrateDatabase', () => {
  it('creates a missing database with every table, and a second run changes nothing', async () => {
    const { name, url } = freshDatabase();
    expect(await databaseExists(ADMIN, name)).toBe(false);

    expect(await migrateDatabase(url)).toEqual({ createdDatabase: true, database: name });
    expect(await databaseExists(ADMIN, name)).toBe(true);
    const first = await fingerprint(url);
    expect(schemaTables).toContain('notifications');
    expect(first.tables).toEqual(expect.arrayContaining(schemaTables));
    expect(first.migrations).toHaveLength(journal.entries.length);

    expect(await migrateDatabase(url)).toEqual({ createdDatabase: false, database: name });
    expect(await fingerprint(url)).toEqual(first);
  });

  it('rejects an unreachable server and a URL without a database, naming the problem', async () => {
    await expect(migrateDatabase(UNREACHABLE)).rejects.toThrow(/ECONNREFUSED/);
    await expect(migrateDatabase('postgres://postgres@127.0.0.1:5432')).rejects.toThrow(
      'DATABASE_URL names no database',
    );
  });
});

describe('pnpm db:migrate (the CLI)', () => {
  it('says what it did, and exits non-zero with the reason on a bad URL', async () => {
    const { name, url } = freshDatabase();
    expect(await runCli(url)).toEqual({ code: 0, output: `Created database "${name}" and applied migrations.\n` });
    expect(await runCli(url)).toEqual({ code: 0, output: `Database "${name}" is up to date.\n` });

    const unreachable = await runCli(UNREACHABLE);
    expect(unreachable.code).toBe(1);
    expect(unreachable.output).toContain('Migration failed: connect ECONNREFUSED');

    const malformed = await runCli('mysql://127.0.0.1/bora');
    expect(malformed.code).toBe(1);
    expect(malformed.output).toContain('DATABASE_URL: must be a postgres:// URL');
  });
});
