import type { Sql } from '@bora/db';

/**
 * Tables partitioned by month (native range partitioning on a timestamptz column), each with the
 * retention setting that drops its old months. Partitions are named `<table>_yYYYYmMM` and cover
 * one UTC month. A new history table (the inbound messages of issue 15, say) is created
 * partitioned the same way in its migration and added here with one entry.
 */
export interface PartitionedTable {
  table: string;
  /** The partition key. */
  column: string;
  /** Which retention setting decides when a month is dropped. */
  retention: 'attempts' | 'messageText' | 'customerData';
}

export const PARTITIONED_TABLES: readonly PartitionedTable[] = [
  { table: 'delivery_attempts', column: 'created_at', retention: 'attempts' },
];

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const monthStart = (year: number, month: number) => new Date(Date.UTC(year, month, 1));
const nameOf = (table: string, start: Date) =>
  `${table}_y${start.getUTCFullYear()}m${String(start.getUTCMonth() + 1).padStart(2, '0')}`;

export interface Partition {
  name: string;
  from: Date;
  to: Date;
  /** A DETACH … CONCURRENTLY that did not finish (cancelled, timed out): finalized before the drop. */
  detachPending: boolean;
}

/** The table's partitions with their bounds, oldest first. */
export async function listPartitions(sql: Sql, table: string): Promise<Partition[]> {
  const rows = await sql<{ name: string; bound: string; pending: boolean }[]>`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound, i.inhdetachpending as pending
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = ${table}::regclass`;
  return rows
    .map((r) => {
      const m = /FROM \('([^']+)'\) TO \('([^']+)'\)/.exec(r.bound);
      return m ? { name: r.name, from: new Date(m[1]!), to: new Date(m[2]!), detachPending: r.pending } : undefined;
    })
    .filter((p): p is Partition => p !== undefined)
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

/**
 * Creates the months from `now`'s through `monthsAhead` later that are missing. Each is created
 * as a plain table with a CHECK matching its range and then ATTACHed: attaching takes only a
 * SHARE UPDATE EXCLUSIVE lock on the parent (inserts go on), where `CREATE TABLE … PARTITION OF`
 * would take an exclusive one; the CHECK spares the attach its validation scan. Cloning the
 * parent's foreign keys briefly locks the referenced tables against writes (milliseconds, once a
 * month, bounded by `lockTimeoutMs`; a timeout is retried on the next run). Returns the names created.
 */
export async function ensurePartitions(
  sql: Sql,
  spec: PartitionedTable,
  monthsAhead: number,
  now = new Date(),
  lockTimeoutMs = 1_000,
): Promise<string[]> {
  const existing = new Set((await listPartitions(sql, spec.table)).map((p) => p.from.getTime()));
  const created: string[] = [];
  for (let i = 0; i <= monthsAhead; i++) {
    const from = monthStart(now.getUTCFullYear(), now.getUTCMonth() + i);
    if (existing.has(from.getTime())) continue;
    const to = monthStart(from.getUTCFullYear(), from.getUTCMonth() + 1);
    const name = nameOf(spec.table, from);
    const [f, t] = [from.toISOString(), to.toISOString()];
    await sql.begin(async (tx) => {
      await tx`select set_config('lock_timeout', ${String(lockTimeoutMs)}, true)`;
      await tx.unsafe(
        `create table ${ident(name)} (like ${ident(spec.table)} including defaults including constraints)`,
      );
      await tx.unsafe(
        `alter table ${ident(name)} add constraint ${ident(`${name}_range`)} check (${ident(spec.column)} >= '${f}' and ${ident(spec.column)} < '${t}')`,
      );
      await tx.unsafe(
        `alter table ${ident(spec.table)} attach partition ${ident(name)} for values from ('${f}') to ('${t}')`,
      );
      await tx.unsafe(`alter table ${ident(name)} drop constraint ${ident(`${name}_range`)}`);
    });
    created.push(name);
  }
  return created;
}

/**
 * Drops the months that ended more than `retentionDays` ago (0 = keep forever): DETACH …
 * CONCURRENTLY (outside any transaction; it waits for the queries that may still read the month
 * and blocks no insert), then DROP of the detached table. A detach left pending by a cancelled
 * run is finalized first. Returns the names dropped.
 */
export async function dropExpiredPartitions(
  sql: Sql,
  spec: PartitionedTable,
  retentionDays: number,
  now = new Date(),
): Promise<string[]> {
  if (retentionDays <= 0) return [];
  const cutoff = now.getTime() - retentionDays * 86_400_000;
  const dropped: string[] = [];
  for (const p of await listPartitions(sql, spec.table)) {
    if (p.to.getTime() > cutoff) continue;
    await sql.unsafe(
      `alter table ${ident(spec.table)} detach partition ${ident(p.name)} ${p.detachPending ? 'finalize' : 'concurrently'}`,
    );
    await sql.unsafe(`drop table if exists ${ident(p.name)}`);
    dropped.push(p.name);
  }
  return dropped;
}

/** Whole months ahead of `now` that already have a partition (the gauge an alert watches). */
export function monthsCovered(partitions: readonly Partition[], now = new Date()): number {
  let months = 0;
  const starts = new Set(partitions.map((p) => p.from.getTime()));
  while (starts.has(monthStart(now.getUTCFullYear(), now.getUTCMonth() + months + 1).getTime())) months++;
  return months;
}
