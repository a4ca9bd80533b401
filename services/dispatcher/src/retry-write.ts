import { isDeterministicPgError } from '@bora/db';
import { sleep } from '@bora/core';

/**
 * Retries a write that must land, with backoff, until `deadline` (epoch ms); then rethrows. Used
 * after Evolution answered: a lost ledger write leaves the row `sending` until its lease expires
 * and the sweeper sends it again, while a Postgres restart or failover takes only a few seconds.
 * An error that would repeat is not retried (the ledger's outcome writes already absorb those).
 */
export async function retryWrite<T>(write: () => Promise<T>, deadline: number, onRetry: (error: unknown) => void): Promise<T> {
  for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
    try {
      return await write();
    } catch (error) {
      if (isDeterministicPgError(error) || Date.now() + wait >= deadline) throw error;
      onRetry(error);
      await sleep(wait);
    }
  }
}
