import type { Sql } from './client.ts';
import { quoteIdent } from './migrate.ts';

const ROLLBACK = Symbol('rollback');

/**
 * Resolves when this connection could write to `tables` now; rejects within about `timeoutMs`
 * otherwise. A `select 1` answers while writes would hang or fail: a table locked exclusively
 * (a migration, a stuck `lock table`), a read-only database (a failed-over primary turned
 * standby, `default_transaction_read_only`). In one transaction, rolled back so nothing is kept:
 * bound every wait, refuse a read-only transaction (`lock table … row exclusive` alone is
 * allowed in one), then take the lock an INSERT/UPDATE takes — it waits on exactly the locks
 * that would block the service's writes, and on nothing else (not on readers, not on vacuum).
 */
export async function canWrite(sql: Sql, tables: readonly string[], timeoutMs: number): Promise<void> {
  if (tables.length === 0) throw new Error('canWrite needs at least one table');
  const ms = String(Math.max(1, Math.round(timeoutMs)));
  try {
    await sql.begin(async (tx) => {
      const [state] = await tx<{ readOnly: string }[]>`
        select set_config('lock_timeout', ${ms}, true), set_config('statement_timeout', ${ms}, true),
               current_setting('transaction_read_only') as "readOnly"`;
      if (state?.readOnly === 'on') throw new Error('the database is read-only');
      await tx.unsafe(`lock table ${tables.map(quoteIdent).join(', ')} in row exclusive mode`);
      throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
}
