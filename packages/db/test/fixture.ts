import { test as base } from 'vitest';
import { createDb, type DbHandle } from '../src/client.ts';
import { migrateDatabase } from '../src/migrate.ts';
import { adminUrl, dropDatabase, uniqueDatabaseUrl } from './server.ts';

/**
 * `test` with `database`: a freshly migrated database of this file's own (created on first use,
 * dropped after the file), on `TEST_DATABASE_URL`'s server or the local one. The db package cannot
 * use @bora/testing's harness (which depends on it), so it carries this one.
 */
export const test = base.extend<{ database: DbHandle }>({
  database: [
    // eslint-disable-next-line no-empty-pattern -- vitest reads fixture dependencies from this pattern
    async ({}, use) => {
      const admin = adminUrl();
      const { name, url } = uniqueDatabaseUrl(admin);
      await migrateDatabase(url);
      const handle = createDb(url, { max: 4 });
      try {
        await use(handle);
      } finally {
        await handle.close();
        await dropDatabase(admin, name);
      }
    },
    { scope: 'file' },
  ],
});
