/**
 * "Smart batching": the first caller runs at once, callers arriving while a run is in flight
 * are gathered and served by the next run. Idle, it adds no delay; under load, one statement
 * or one Redis pipeline serves many requests, which is what keeps the booking hot path close
 * to a bare INSERT. Each caller gets its own result, or the run's error.
 *
 * `concurrency` runs may be in flight at once (default one): with two, a batch can be built and
 * sent while the previous one waits for its commit, instead of the whole stage waiting on it.
 */
export function createBatcher<T, R>(
  run: (items: T[]) => Promise<R[]>,
  maxBatch = 256,
  concurrency = 1,
): (item: T) => Promise<R> {
  let waiting: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let running = 0;

  async function drain(): Promise<void> {
    running++;
    while (waiting.length > 0) {
      const batch = waiting.length <= maxBatch ? waiting : waiting.slice(0, maxBatch);
      waiting = waiting.length <= maxBatch ? [] : waiting.slice(maxBatch);
      try {
        const results = await run(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i] as R));
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    running--;
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (running < concurrency) void drain();
    });
}
