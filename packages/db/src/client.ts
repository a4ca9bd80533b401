import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = PostgresJsDatabase<Schema>;
export type Sql = postgres.Sql;

export interface DbHandle {
  db: Db;
  sql: Sql;
  close(timeoutSeconds?: number): Promise<void>;
}

export interface DbOptions {
  max?: number;
  /** Seconds a query may wait for a free connection or a new connection attempt. */
  connectTimeout?: number;
  applicationName?: string;
}

/** Builds a pooled postgres.js client and the drizzle instance over it. No I/O until first use. */
export function createDb(url: string, options: DbOptions = {}): DbHandle {
  const sql = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeout ?? 5,
    idle_timeout: 30,
    max_lifetime: 60 * 30,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? 'bora-agendar' },
  });
  const db = drizzle(sql, { schema });
  return {
    db,
    sql,
    close: (timeoutSeconds = 5) => sql.end({ timeout: timeoutSeconds }),
  };
}

/** Postgres channel the admin-api notifies after any fleet change; routing snapshots listen. */
export const FLEET_CHANGED_CHANNEL = 'bora_fleet_changed';

/** SQLSTATE codes the services map to domain errors. */
export const PG_ERROR = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  exclusionViolation: '23P01',
} as const;

export function pgErrorCode(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; cause?: { code?: unknown } } | null;
  if (candidate && typeof candidate.code === 'string') return candidate.code;
  if (candidate?.cause && typeof candidate.cause.code === 'string') return candidate.cause.code;
  return undefined;
}

export function pgConstraint(error: unknown): string | undefined {
  const candidate = error as { constraint_name?: string; cause?: { constraint_name?: string } } | null;
  return candidate?.constraint_name ?? candidate?.cause?.constraint_name;
}
