import { sql as drizzleSql } from 'drizzle-orm';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = PostgresJsDatabase<Schema>;
export type Sql = postgres.Sql;
/** A piece of SQL built with the `sql` tag, to be embedded in another statement. */
export type SqlFragment = postgres.PendingQuery<postgres.Row[]>;

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
  /**
   * Bounds on every statement of the pool's sessions (ms). A query stuck behind a lock or a plan
   * gone wrong fails instead of holding a request, a worker slot or a ledger write indefinitely.
   * Defaults: 15 s per statement, 5 s waiting for a lock; 0 turns one off (migrations).
   */
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
}

/** Builds a pooled postgres.js client and the drizzle instance over it. No I/O until first use. */
export function createDb(url: string, options: DbOptions = {}): DbHandle {
  const sql = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeout ?? 5,
    idle_timeout: 30,
    max_lifetime: 60 * 30,
    onnotice: () => {},
    connection: {
      application_name: options.applicationName ?? 'bora-agendar',
      statement_timeout: options.statementTimeoutMs ?? 15_000,
      lock_timeout: options.lockTimeoutMs ?? 5_000,
    },
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

/**
 * Tells every routing snapshot to reload the fleet. Run it inside the writing transaction when
 * there is one (a postgres.js `sql`/transaction or a drizzle db/transaction): Postgres delivers the
 * notification only on commit.
 */
export async function notifyFleetChanged(
  executor: postgres.Sql | postgres.TransactionSql | Pick<Db, 'execute'>,
): Promise<void> {
  if (typeof executor === 'function') await executor`select pg_notify(${FLEET_CHANGED_CHANNEL}, '')`;
  else await executor.execute(drizzleSql`select pg_notify(${FLEET_CHANGED_CHANNEL}, '')`);
}

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

/**
 * Postgres refused the statement for what it contains (a bad value, a broken constraint, a query
 * bug): trying the same statement again gives the same answer. A dropped connection, a timeout, a
 * deadlock or a shutdown are the opposite: worth trying again.
 */
export function isDeterministicPgError(error: unknown): boolean {
  const candidate = error as { name?: unknown; severity?: unknown } | null;
  if (candidate?.name !== 'PostgresError' || candidate.severity !== 'ERROR') return false;
  const code = pgErrorCode(error) ?? '';
  return code.startsWith('22') || code.startsWith('23') || code.startsWith('42');
}

export function pgConstraint(error: unknown): string | undefined {
  const candidate = error as { constraint_name?: string; cause?: { constraint_name?: string } } | null;
  return candidate?.constraint_name ?? candidate?.cause?.constraint_name;
}

/**
 * The one rule for instants read by raw SQL: drizzle, sharing the postgres.js pool, turns its date
 * parser off, so a `timestamptz` column arrives as text ('2030-12-03 17:30:00+00'). Accepts both.
 */
export function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

/** `toDate` for a nullable column. */
export function toDateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : toDate(value);
}
