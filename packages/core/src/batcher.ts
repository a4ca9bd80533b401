import { DeadlineError } from './time.ts';

export interface BatcherOptions {
  /** Items per run (default 256). */
  maxBatch?: number;
  /** Runs in flight at once (default one). */
  concurrency?: number;
  /**
   * With this set, runs beyond the first start only once every run in flight has taken longer than
   * this (ms): one run at a time gathers the biggest batches, and a slow or stuck one gets a spare
   * lane beside it instead of holding every caller up.
   */
  spareAfterMs?: number;
  /**
   * A run that has not settled by then fails its batch (DeadlineError) and frees its slot, so one
   * stuck run cannot stall every caller after it; `onLate` is called with the run's promise so
   * the caller can cancel it. Default: no deadline.
   */
  deadlineMs?: number;
  onLate?: (run: Promise<unknown>) => void;
}

/**
 * "Smart batching": the first caller runs at once, callers arriving while a run is in flight
 * are gathered and served by the next run. Idle, it adds no delay; under load, one statement
 * or one Redis pipeline serves many requests, which is what keeps hot paths close to a bare
 * statement. Each caller gets its own result, or the run's error.
 *
 * `concurrency` runs may be in flight at once: with two, a batch can be built and sent while the
 * previous one waits for its commit, instead of the whole stage waiting on it.
 */
export function createBatcher<T, R>(
  run: (items: T[]) => Promise<R[]>,
  options: BatcherOptions = {},
): (item: T) => Promise<R> {
  const maxBatch = options.maxBatch ?? 256;
  const concurrency = options.concurrency ?? 1;
  let waiting: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let running = 0;
  // The runs in flight, each marked slow once it has taken `spareAfterMs`; a spare lane opens only
  // when all of them are.
  const inFlight = new Set<{ slow: boolean }>();
  const spareAfter = options.spareAfterMs;

  function mayStart(): boolean {
    if (running === 0) return true;
    if (running >= concurrency) return false;
    return spareAfter === undefined || [...inFlight].every((r) => r.slow);
  }

  function bounded(work: Promise<R[]>): Promise<R[]> {
    const ms = options.deadlineMs;
    if (ms === undefined) return work;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        options.onLate?.(work);
        reject(new DeadlineError('batch', ms));
      }, ms);
    });
    work.catch(() => {});
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }

  async function drain(): Promise<void> {
    running++;
    while (waiting.length > 0) {
      const batch = waiting.length <= maxBatch ? waiting : waiting.slice(0, maxBatch);
      waiting = waiting.length <= maxBatch ? [] : waiting.slice(maxBatch);
      const current = { slow: false };
      inFlight.add(current);
      const spare =
        spareAfter === undefined
          ? undefined
          : setTimeout(() => {
              current.slow = true;
              if (waiting.length > 0 && mayStart()) void drain();
            }, spareAfter);
      try {
        const results = await bounded(run(batch.map((b) => b.item)));
        batch.forEach((b, i) => b.resolve(results[i] as R));
      } catch (error) {
        for (const b of batch) b.reject(error);
      } finally {
        inFlight.delete(current);
        clearTimeout(spare);
      }
    }
    running--;
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (mayStart()) void drain();
    });
}
