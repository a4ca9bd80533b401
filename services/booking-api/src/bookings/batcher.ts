/**
 * "Smart batching": the first caller runs at once, callers arriving while a run is in flight
 * are gathered and served by the next run. Idle, it adds no delay; under load, one statement
 * or one Redis pipeline serves many requests, which is what keeps the booking hot path close
 * to a bare INSERT. Each caller gets its own result, or the run's error.
 */
export function createBatcher<T, R>(run: (items: T[]) => Promise<R[]>, maxBatch = 256): (item: T) => Promise<R> {
  let waiting: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    while (waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      try {
        const results = await run(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i] as R));
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    running = false;
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!running) void drain();
    });
}
