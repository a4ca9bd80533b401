import { describe, expect, test } from 'vitest';
import { createBatcher, isRowError, type Settled } from '../src/batcher.ts';

/** A run that records each batch it was given and answers every item doubled, after a tick. */
function recordingRun(fail?: (items: number[]) => unknown) {
  const batches: number[][] = [];
  const run = async (items: number[]): Promise<Settled<number>[]> => {
    batches.push(items);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const error = fail?.(items);
    if (error) throw error;
    return items.map((value) => ({ value: value * 2 }));
  };
  return { batches, run };
}

const rowError = Object.assign(new Error('insert or update violates foreign key constraint'), { code: '23503' });

describe('createBatcher', () => {
  test('the first call runs alone at once; calls made meanwhile share the next run, each answered with its own result', async () => {
    const { batches, run } = recordingRun();
    const call = createBatcher(run);
    const results = await Promise.all([1, 2, 3, 4, 5].map(call));
    expect(results).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1], [2, 3, 4, 5]]);
  });

  test('runs at most maxBatch items', async () => {
    const { batches, run } = recordingRun();
    const call = createBatcher(run, { maxBatch: 3 });
    await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(call));
    expect(batches).toEqual([[1], [2, 3, 4], [5, 6, 7], [8]]);
  });

  test('items with the same key never share a run: the later one waits for the next, in arrival order', async () => {
    const { batches, run } = recordingRun();
    const call = createBatcher(run, { key: (n) => String(n % 10) });
    const results = await Promise.all([1, 2, 12, 3, 22, 13].map(call));
    expect(results).toEqual([2, 4, 24, 6, 44, 26]);
    expect(batches).toEqual([[1], [2, 3], [12, 13], [22]]);
  });

  test('a failed run rejects every caller in it, and the next run serves the callers after it', async () => {
    const down = new Error('connection refused');
    const { batches, run } = recordingRun((items) => (items.includes(2) ? down : undefined));
    const call = createBatcher(run, { isolate: isRowError });
    const results = await Promise.allSettled([1, 2, 3, 4].map(call));
    expect(batches).toEqual([[1], [2, 3, 4]]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: down },
      { status: 'rejected', reason: down },
      { status: 'rejected', reason: down },
    ]);
    expect(await call(5)).toBe(10);
  });

  test("a run failing on one item's data is re-run item by item: only the culprit gets the error", async () => {
    const { batches, run } = recordingRun((items) => (items.includes(3) ? rowError : undefined));
    const call = createBatcher(run, { isolate: isRowError });
    const results = await Promise.allSettled([1, 2, 3, 4].map(call));
    expect(batches).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  });

  test('an item the run answers with an error rejects that caller only', async () => {
    const mine = new Error('mine');
    const call = createBatcher(async (items: number[]) => items.map((n): Settled<number> => (n === 2 ? { error: mine } : { value: n })));
    const results = await Promise.allSettled([1, 2, 3].map(call));
    expect(results).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: mine },
      { status: 'fulfilled', value: 3 },
    ]);
  });

  test('isRowError: data and constraint errors and deadlocks, not connection errors or timeouts', () => {
    expect(isRowError(rowError)).toBe(true);
    expect(isRowError({ code: '22021' })).toBe(true);
    expect(isRowError({ code: '40P01' })).toBe(true);
    expect(isRowError({ code: '57014' })).toBe(false);
    expect(isRowError({ code: 'ECONNREFUSED' })).toBe(false);
    expect(isRowError(new Error('plain'))).toBe(false);
  });
});
