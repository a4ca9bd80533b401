import { isDeterministicPgError } from '@bora/db';
import { sleep } from '@bora/core';

/**
 * Retries a write that must land, with backoff, until `deadline` (epoch ms); then rethrows. Used
 * after Evolution answered: a lost ledger write leaves the row `sending` until its lease expires
 * and the sweeper sends it again, while a Postgres restart or failover takes only a few seconds.
 * An error that would repeat is not retried (the ledger's outcome writes already absorb those).
 */
export async function retryWrite<T>(
  write: (again: boolean) => Promise<T>,
  deadline: number,
  onRetry: (error: unknown) => void,
): Promise<T> {
  for (let wait = 100, again = false; ; wait = Math.min(wait * 2, 2_000), again = true) {
    try {
      // `again`: an earlier try may have committed after all (it timed out): the write must not
      // log its attempts twice.
      return await write(again);
    } catch (error) {
      if (isDeterministicPgError(error) || Date.now() + wait >= deadline) throw error;
      onRetry(error);
      await sleep(wait);
    }
  }
}
