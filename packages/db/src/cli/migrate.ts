// `pnpm db:migrate`: the only entry that reads the environment here.
import { loadMigrateConfig } from '@bora/config';
import { migrateDatabase } from '../migrate.ts';

try {
  const { databaseUrl } = loadMigrateConfig(process.env);
  const result = await migrateDatabase(databaseUrl);
  console.log(
    result.createdDatabase
      ? `Created database "${result.database}" and applied migrations.`
      : `Database "${result.database}" is up to date.`,
  );
} catch (error) {
  console.error(`Migration failed: ${(error as Error).message}`);
  process.exit(1);
}
