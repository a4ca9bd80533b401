import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS_FOLDER, migrateDatabase, quoteIdent } from '@bora/db';
import postgres from 'postgres';

const TEMPLATE_LOCK_ID = 727_100_002;

/** Template name changes whenever a migration does, so a stale template is never reused. */
export function templateName(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_FOLDER)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }
  return `bora_test_tpl_${hash.digest('hex').slice(0, 12)}`;
}

function withDatabase(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Migrates the template database once per migration set (safe across concurrent runners). */
export async function ensureTemplate(adminUrl: string): Promise<string> {
  const name = templateName();
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`select pg_advisory_lock(${TEMPLATE_LOCK_ID})`;
    const [row] = await admin`select datistemplate from pg_database where datname = ${name}`;
    if (!row?.datistemplate) {
      if (row) await admin.unsafe(`drop database ${quoteIdent(name)} with (force)`);
      await migrateDatabase(withDatabase(adminUrl, name));
      await admin.unsafe(`alter database ${quoteIdent(name)} with is_template true allow_connections false`);
    }
    await admin`select pg_advisory_unlock(${TEMPLATE_LOCK_ID})`;
  } finally {
    await admin.end({ timeout: 5 });
  }
  return name;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database cloned from the template: cheap isolation for one test file. */
export async function createTestDatabase(adminUrl: string, template: string): Promise<TestDatabase> {
  const name = `bora_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`create database ${quoteIdent(name)} template ${quoteIdent(template)}`);
        break;
      } catch (error) {
        // 55006: another clone of the template is being made right now; wait and retry.
        if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
      }
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: async () => {
      const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}
