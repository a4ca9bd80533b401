import { str } from 'envalid';
import { parseEnv, postgresUrl } from './load.ts';

const specs = {
  NODE_ENV: str({ choices: ['development', 'test', 'production'] as const, default: 'development' }),
  DATABASE_URL: postgresUrl({ devDefault: 'postgres://postgres@127.0.0.1:5432/bora_agendar' }),
};

/** `pnpm db:migrate` and the compose `migrate` job need the database and nothing else. */
export function loadMigrateConfig(env: Record<string, string | undefined>): { databaseUrl: string } {
  return { databaseUrl: parseEnv(env, specs).DATABASE_URL };
}
