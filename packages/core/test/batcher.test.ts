import { describe, expect, it } from 'vitest';
import { createBatcher, DeadlineError } from '../src/index.ts';

describe('createBatcher', () => {
  it('runs the first call at once and gathers the ones that arrive meanwhile into the next run', async () => {
    const runs: number[][] = [];
    const add = createBatcher(async (items: number[]) => {
      runs.push(items);
      await new Promise((resolve) => setTimeout(resolve, 10));
      return items.map((n) => n * 10);
    });
    const results = await Promise.all([1, 2, 3, 4].map((n) => add(n)));
    expect(results).toEqual([10, 20, 30, 40]);
    expect(runs).toEqual([[1], [2, 3, 4]]);
  });

  it('gives every caller of a failed run its error, and keeps serving later calls', async () => {
    let fail = true;
    const add = createBatcher(async (items: string[]) => {
      if (fail) throw new Error('redis down');
      return items;
    });
    const settled = await Promise.allSettled([add('a'), add('b')]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await add('c')).toBe('c');
  });
});

describe('createBatcher with a deadline', () => {
  it('a run that never settles fails its batch and frees its slot: later callers are served', async () => {
    const late: Promise<unknown>[] = [];
    let calls = 0;
    const add = createBatcher(
      async (items: number[]) => {
        calls += 1;
        if (calls === 1) return new Promise<number[]>(() => {});
        return items;
      },
      { deadlineMs: 50, onLate: (run) => late.push(run) },
    );
    const stuck = add(1);
    const next = add(2);
    await expect(stuck).rejects.toBeInstanceOf(DeadlineError);
    await expect(next).resolves.toBe(2);
    expect(late).toHaveLength(1);
  });
});

describe('createBatcher with a spare lane', () => {
  it('one run at a time while runs are quick; a second lane opens beside one that is slow', async () => {
    const runs: number[][] = [];
    let slow = true;
    const add = createBatcher(
      async (items: number[]) => {
        runs.push(items);
        if (slow) {
          slow = false;
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
        return items;
      },
      { concurrency: 2, spareAfterMs: 50 },
    );
    const first = add(1);
    const rest = [add(2), add(3)];
    // While the first run is slow, the spare lane serves the others well before it ends.
    const served = await Promise.race([Promise.all(rest).then(() => 'spare'), first.then(() => 'first')]);
    expect(served).toBe('spare');
    await first;
    expect(runs).toEqual([[1], [2, 3]]);
  });
});
