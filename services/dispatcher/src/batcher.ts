import { pgErrorCode } from '@bora/db';

/** What a batch run answers for one item: its own value or its own error. */
export type Settled<R> = { value: R } | { error: unknown };

export interface BatcherOptions<T> {
  /** Most items one run serves. */
  maxBatch?: number;
  /**
   * Items with the same key never share a run: a later one waits for the next run, exactly as if
   * it had arrived after the first one's statement (a statement touches a row once, so two claims
   * of one id in one statement could not tell who won).
   */
  key?: (item: T) => string;
  /**
   * A failed run whose error may belong to one item's data (see `isRowError`) is re-run item by
   * item, so only the culprit gets the error and its neighbours are not failed with it.
   */
  isolate?: (error: unknown) => boolean;
}

/**
 * SQLSTATE classes an input row can cause (data exception, integrity constraint: a server deleted
 * meanwhile, a duplicate message id) and the serialization failures a multi-row statement can run
 * into (a deadlock with another replica's batch); one-row statements cannot deadlock each other.
 * Connection errors and timeouts are not: the same statement would fail for each item again.
 */
export function isRowError(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code !== undefined && /^(22|23|40)[0-9A-Z]{3}$/.test(code);
}

interface Waiter<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * "Group commit" (the booking-api's batcher pattern): the first caller runs at once, callers
 * arriving while a run is in flight are gathered and served by the next run. Idle, it adds no
 * delay; under load one statement serves many of the worker's concurrent jobs. Each caller gets
 * its own result or its own error; a failed run rejects every caller in it.
 */
export function createBatcher<T, R>(run: (items: T[]) => Promise<Settled<R>[]>, options: BatcherOptions<T> = {}): (item: T) => Promise<R> {
  const maxBatch = options.maxBatch ?? 64;
  let waiting: Waiter<T, R>[] = [];
  let running = false;

  function take(): Waiter<T, R>[] {
    const batch: Waiter<T, R>[] = [];
    const rest: Waiter<T, R>[] = [];
    const keys = new Set<string>();
    for (const waiter of waiting) {
      const key = options.key?.(waiter.item);
      if (batch.length >= maxBatch || (key !== undefined && keys.has(key))) {
        rest.push(waiter);
        continue;
      }
      if (key !== undefined) keys.add(key);
      batch.push(waiter);
    }
    waiting = rest;
    return batch;
  }

  async function runBatch(batch: Waiter<T, R>[]): Promise<void> {
    let results: Settled<R>[];
    try {
      results = await run(batch.map((w) => w.item));
    } catch (error) {
      if (batch.length > 1 && options.isolate?.(error)) {
        for (const waiter of batch) await runBatch([waiter]);
        return;
      }
      for (const waiter of batch) waiter.reject(error);
      return;
    }
    batch.forEach((waiter, i) => {
      const result = results[i];
      if (!result) waiter.reject(new Error(`batch run answered ${results.length} results for ${batch.length} items`));
      else if ('error' in result) waiter.reject(result.error);
      else waiter.resolve(result.value);
    });
  }

  async function drain(): Promise<void> {
    running = true;
    while (waiting.length > 0) await runBatch(take());
    running = false;
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!running) void drain();
    });
}
