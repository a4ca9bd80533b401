import { FLEET_CHANGED_CHANNEL, type Db } from '@bora/db';
import { sql } from 'drizzle-orm';

/**
 * Dispatchers route from an in-memory fleet snapshot; this tells them to reload it. Run inside
 * the writing transaction when there is one: Postgres delivers the notification only on commit.
 */
export async function notifyFleetChanged(executor: Pick<Db, 'execute'>): Promise<void> {
  await executor.execute(sql`select pg_notify(${FLEET_CHANGED_CHANNEL}, '')`);
}
