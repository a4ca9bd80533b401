import { test } from '@bora/testing';
import { describe, expect } from 'vitest';
import { createPacer, readUsage, type PaceAnswer, type SlotBudget } from '../src/pacing.ts';

// Slots answered by the shared Redis script, on a shrunken clock: a "minute" of 600 ms.
const units = { minuteMs: 600, hourMs: 36_000, dayMs: 864_000 };
const budget = (over: Partial<SlotBudget> = {}): SlotBudget => ({
  perMinute: 1_000,
  perHour: 1_000,
  perDay: 1_000,
  newContactsPerDay: 1_000,
  warmStart: null,
  warmupCaps: [],
  newContact: false,
  notBefore: 0,
  units,
  ...over,
});
// A slot granted at once is stamped with our clock after the answer (a few ms after Redis' own).
const slotOf = (a: PaceAnswer, now: number) => (a.go ? now : 'slot' in a ? a.slot : Number.NaN);
const CLOCK_SLACK_MS = 25;

/** Promises `count` slots in a row (no pacing gap) and returns them, as a paced burst would. */
async function burst(pacer: ReturnType<typeof createPacer>, id: string, count: number, b: (i: number) => SlotBudget) {
  const slots: number[] = [];
  for (let i = 0; i < count; i++) slots.push(slotOf(await pacer.request(id, { budget: b(i) }), Date.now()));
  return slots;
}

/** The most slots inside any window of `ms` (less the slack between the two clocks). */
function densest(slots: number[], windowMs: number): number {
  const ms = windowMs - CLOCK_SLACK_MS;
  const sorted = [...slots].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('send slots: budgets per number, shared through Redis', () => {
  test('the per-minute budget is an exact sliding window: never more than 3 slots in any minute', async ({ env }) => {
    const pacer = createPacer(env.redis, `${env.queuePrefix}:minute`, { minIntervalMs: 0, jitterMs: 0 });
    const slots = await burst(pacer, 'n1', 10, () => budget({ perMinute: 3 }));
    expect(densest(slots, units.minuteMs)).toBe(3);
    expect(slots[3]! - slots[0]!).toBeGreaterThanOrEqual(units.minuteMs - CLOCK_SLACK_MS);
    expect(slots[9]! - slots[6]!).toBe(units.minuteMs);
  });

  test('the hourly and daily budgets hold in every window, counted on whole minutes and hours', async ({ env }) => {
    const pacer = createPacer(env.redis, `${env.queuePrefix}:hour`, { minIntervalMs: 0, jitterMs: 0 });
    const hourly = await burst(pacer, 'n2', 12, () => budget({ perHour: 5 }));
    expect(densest(hourly, units.hourMs)).toBeLessThanOrEqual(5);
    expect(hourly[5]! - hourly[0]!).toBeGreaterThanOrEqual(units.hourMs);
    expect(hourly[5]! - hourly[0]!).toBeLessThanOrEqual(units.hourMs + units.minuteMs);
    const daily = await burst(pacer, 'n3', 7, () => budget({ perDay: 3 }));
    expect(densest(daily, units.dayMs)).toBeLessThanOrEqual(3);
    expect(daily[3]! - daily[0]!).toBeGreaterThanOrEqual(units.dayMs);
  });

  test('a number in warm-up gets its warm-up day’s budget, and more as the days pass', async ({ env }) => {
    const pacer = createPacer(env.redis, `${env.queuePrefix}:warm`, { minIntervalMs: 0, jitterMs: 0 });
    const warmStart = Date.now();
    const slots = await burst(pacer, 'n4', 9, () => budget({ warmStart, warmupCaps: [2, 4, 7] }));
    const day = (slot: number) => Math.floor((slot - warmStart) / units.dayMs) + 1;
    const perDay = [1, 2, 3].map((d) => slots.filter((s) => day(s) === d).length);
    // Day 1: 2. Day 2 may bring the rolling day to 4 (2 of them from day 1's window). Then day 3.
    expect(perDay[0]).toBe(2);
    expect(perDay[0]! + perDay[1]!).toBeLessThanOrEqual(4 + 2);
    for (const s of slots) {
      const inWindow = slots.filter((o) => o <= s && o > s - units.dayMs).length;
      expect(inWindow, `rolling day ending ${s - warmStart}`).toBeLessThanOrEqual([2, 4, 7][Math.min(2, day(s) - 1)]!);
    }
  });

  test('first contacts have their own daily budget and wait out a reach-out lock; warm chats do not', async ({
    env,
  }) => {
    const pacer = createPacer(env.redis, `${env.queuePrefix}:new`, { minIntervalMs: 0, jitterMs: 0 });
    const now = Date.now();
    const first = await pacer.request('n5', { budget: budget({ newContact: true, newContactsPerDay: 1 }) });
    expect(first).toEqual({ go: true });
    const second = slotOf(
      await pacer.request('n5', { budget: budget({ newContact: true, newContactsPerDay: 1 }) }),
      Date.now(),
    );
    expect(second - now).toBeGreaterThanOrEqual(units.dayMs - 1_000);
    // A customer it already talked with goes at once, though first contacts wait a day.
    const fresh = createPacer(env.redis, `${env.queuePrefix}:new2`, { minIntervalMs: 0, jitterMs: 0 });
    await fresh.request('n6', { budget: budget({ newContact: true, newContactsPerDay: 1 }) });
    expect(await fresh.request('n6', { budget: budget() })).toEqual({ go: true });
    // Under a reach-out lock a first contact's earliest slot is the lock's end; a warm chat's is now.
    const lockEnds = Date.now() + 5_000;
    const { now: at, at: earliest } = await fresh.peek([
      { instanceId: 'n6', budget: budget({ newContact: true, notBefore: lockEnds }) },
      { instanceId: 'n6', budget: budget({ notBefore: lockEnds }) },
    ]);
    expect(earliest[0]).toBeGreaterThanOrEqual(lockEnds);
    expect(earliest[1]).toBe(at);
    expect(await fresh.request('n6', { budget: budget({ notBefore: lockEnds }) })).toEqual({ go: true });
  });

  test('peek answers each number’s earliest slot in one call and promises nothing', async ({ env }) => {
    const pacer = createPacer(env.redis, `${env.queuePrefix}:peek`, { minIntervalMs: 1_000, jitterMs: 0 });
    expect(await pacer.request('busy', { budget: budget() })).toEqual({ go: true });
    const { now, at } = await pacer.peek([
      { instanceId: 'busy', budget: budget() },
      { instanceId: 'idle', budget: budget() },
    ]);
    expect(at[0]! - now).toBeGreaterThan(900);
    expect(at[1]).toBe(now);
    const again = await pacer.peek([{ instanceId: 'idle', budget: budget() }]);
    expect(again.at[0]).toBe(again.now);
  });

  test('today’s use per number is read back from the same counts', async ({ env }) => {
    const prefix = `${env.queuePrefix}:usage`;
    const pacer = createPacer(env.redis, prefix, { minIntervalMs: 0, jitterMs: 0 });
    await burst(pacer, 'u1', 3, (i) => budget({ newContact: i === 0 }));
    const usage = await readUsage(env.redis, prefix, ['u1', 'u2'], units.hourMs);
    expect(usage.get('u1')).toEqual({ sent: 3, newContacts: 1 });
    expect(usage.get('u2')).toEqual({ sent: 0, newContacts: 0 });
  });
});
