import type { Redis } from 'ioredis';
import type { ChildRegistry } from './children.ts';
import type { CpuMeter } from './cpu.ts';
import type { Sql } from './database.ts';
import type { BenchSettings } from './settings.ts';

/** Everything a benchmark needs, built once by main.ts. */
export interface BenchContext {
  repoRoot: string;
  settings: BenchSettings;
  databaseUrl: string;
  redisUrl: string;
  secretKey: string;
  adminToken: string;
  /** The harness's own environment, passed to children under the bench settings. */
  inheritedEnv: NodeJS.ProcessEnv;
  /** Logs, simulator configs and profiles of this run. */
  workDir: string;
  children: ChildRegistry;
  sql: Sql;
  redis: Redis;
  log(message: string): void;
  /** CPU per unit of work of these processes and of the bench database's Postgres backends. */
  cpuMeter(processes: Record<string, number>): CpuMeter;
  /** The Redis server's pid when it runs on this machine (its CPU is then measured too), else 0. */
  redisPid: number;
}

/** Every Redis key of the bench starts with one of these (a hash tag each, as in production). */
export const QUEUE_PREFIXES = {
  intake: '{bench-intake}',
  dispatch: '{bench-dispatch}',
  dispatchBaseline: '{bench-base}',
  dispatchBudget: '{bench-budget}',
  e2e: '{bench-e2e}',
  stats: '{bench-stats}',
  slots: '{bench-slots}',
} as const;

export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

export async function deleteAllBenchKeys(redis: Redis): Promise<void> {
  for (const prefix of Object.values(QUEUE_PREFIXES)) await deleteKeys(redis, prefix);
}
