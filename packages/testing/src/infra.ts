import { execFileSync } from 'node:child_process';
import postgres from 'postgres';
import { redisAnswers } from '@bora/queue';

export interface TestInfra {
  /** A URL on the server's maintenance database; tests get their own databases from it. */
  postgresAdminUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';

async function postgresAnswers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

function asAdminUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  return parsed.toString();
}

/**
 * Finds Postgres and Redis for tests: `TEST_DATABASE_URL` / `TEST_REDIS_URL` first, then the
 * local servers, then throwaway containers where a Docker engine exists (a developer laptop).
 */
export async function resolveTestInfra(env: Record<string, string | undefined> = process.env): Promise<TestInfra> {
  const stops: Array<() => Promise<unknown>> = [];
  let postgresUrl = env.TEST_DATABASE_URL ? asAdminUrl(env.TEST_DATABASE_URL) : undefined;
  if (!postgresUrl && (await postgresAnswers(LOCAL_POSTGRES))) postgresUrl = LOCAL_POSTGRES;
  let redisUrl = env.TEST_REDIS_URL ?? ((await redisAnswers(LOCAL_REDIS)) ? LOCAL_REDIS : undefined);

  if ((!postgresUrl || !redisUrl) && dockerAvailable()) {
    if (!postgresUrl) {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:15-alpine').start();
      stops.push(() => container.stop());
      postgresUrl = asAdminUrl(container.getConnectionUri());
    }
    if (!redisUrl) {
      const { RedisContainer } = await import('@testcontainers/redis');
      const container = await new RedisContainer('redis:7-alpine').start();
      stops.push(() => container.stop());
      redisUrl = container.getConnectionUrl();
    }
  }
  if (!postgresUrl) {
    throw new Error(
      'No PostgreSQL for tests: set TEST_DATABASE_URL, start a local server on 127.0.0.1:5432, or install Docker.',
    );
  }
  if (!redisUrl) {
    throw new Error(
      'No Redis for tests: set TEST_REDIS_URL, start a local server on 127.0.0.1:6379, or install Docker.',
    );
  }
  return {
    postgresAdminUrl: postgresUrl,
    redisUrl,
    stop: async () => {
      await Promise.all(stops.map((stop) => stop()));
    },
  };
}
