const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Retries a write that must land, with backoff, until `deadline` (epoch ms); then rethrows. Used
 * after Evolution accepted a message: a lost ledger write leaves the row `sending` until its
 * lease expires and the sweeper sends it again, while a Postgres restart or failover takes only
 * a few seconds.
 */
export async function retryWrite<T>(write: () => Promise<T>, deadline: number, onRetry: (error: unknown) => void): Promise<T> {
  for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
    try {
      return await write();
    } catch (error) {
      if (Date.now() + wait >= deadline) throw error;
      onRetry(error);
      await sleep(wait);
    }
  }
}
