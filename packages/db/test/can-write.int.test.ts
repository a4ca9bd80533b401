import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canWrite } from '../src/can-write.ts';
import { createDb, type DbHandle } from '../src/client.ts';
import { migrateDatabase } from '../src/migrate.ts';
import { adminUrl, dropDatabase, uniqueDatabaseUrl } from './server.ts';

const ADMIN = adminUrl();
const database = uniqueDatabaseUrl(ADMIN);
const TABLES = ['bookings', 'notifications', 'idempotency_keys'];
let handle: DbHandle;

beforeAll(async () => {
  await migrateDatabase(database.url);
  handle = createDb(database.url, { max: 2 });
});
afterAll(async () => {
  await handle?.close(1);
  await dropDatabase(ADMIN, database.name);
});

/** Another session holding `lock table … in access exclusive mode` until `release()`. */
async function holdExclusiveLock(table: string) {
  const other = postgres(database.url, { max: 1, onnotice: () => {} });
  const conn = await other.reserve();
  await conn`begin`;
  await conn.unsafe(`lock table ${table} in access exclusive mode`);
  return async () => {
    await conn`rollback`;
    conn.release();
    await other.end({ timeout: 1 });
  };
}

describe('canWrite', () => {
  it('resolves on a writable database and leaves nothing behind', async () => {
    await expect(canWrite(handle.sql, TABLES, 1_000)).resolves.toBeUndefined();
    const [row] = await handle.sql<
      { n: number }[]
    >`select count(*)::int as n from pg_locks l join pg_class c on c.oid = l.relation where c.relname = 'bookings'`;
    expect(row!.n).toBe(0);
  });

  it('rejects within its bound while another session holds a table exclusively (a select 1 would still answer)', async () => {
    const release = await holdExclusiveLock('bookings');
    try {
      await expect(handle.sql`select 1`).resolves.toHaveLength(1);
      const started = performance.now();
      await expect(canWrite(handle.sql, TABLES, 300)).rejects.toMatchObject({
        code: expect.stringMatching(/^(55P03|57014)$/),
      });
      expect(performance.now() - started).toBeLessThan(1_500);
    } finally {
      await release();
    }
    await expect(canWrite(handle.sql, TABLES, 1_000)).resolves.toBeUndefined();
  });

  it('rejects on a read-only database', async () => {
    const readOnly = createDb(database.url, { max: 1 });
    try {
      await readOnly.sql`set default_transaction_read_only = on`;
      await expect(canWrite(readOnly.sql, TABLES, 1_000)).rejects.toThrow(/read-only/);
    } finally {
      await readOnly.close(1);
    }
  });

  it('refuses an empty table list (it would prove nothing)', async () => {
    await expect(canWrite(handle.sql, [], 1_000)).rejects.toThrow(/at least one table/);
  });
});
