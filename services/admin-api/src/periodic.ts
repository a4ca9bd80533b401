import { repeatEvery } from '@bora/core';
import type { Sql } from '@bora/db';
import type { FastifyInstance } from 'fastify';

export interface PeriodicTask {
  /** What the logs call it. */
  name: string;
  /** Any constant, the same in every replica: whoever holds the advisory lock runs the round, the others skip it. */
  lockId: number;
  intervalMs: number;
  sql: Sql;
  round(): Promise<void>;
}

/**
 * Runs `task.round` every `intervalMs` once the app is ready, stopped on close. Rounds never
 * overlap in one process, and a Postgres advisory lock keeps replicas from running the same
 * round at the same time.
 */
export function runPeriodically(app: FastifyInstance, task: PeriodicTask): void {
  async function locked(): Promise<void> {
    const connection = await task.sql.reserve();
    try {
      const [lock] = await connection<{ locked: boolean }[]>`select pg_try_advisory_lock(${task.lockId}) as locked`;
      if (!lock?.locked) return;
      try {
        await task.round();
      } finally {
        await connection`select pg_advisory_unlock(${task.lockId})`;
      }
    } finally {
      connection.release();
    }
  }

  const repeater = repeatEvery(task.intervalMs, locked, (err) => app.log.warn({ err }, `${task.name} round failed`));
  app.addHook('onReady', async () => repeater.start());
  app.addHook('onClose', async () => repeater.stop());
}
