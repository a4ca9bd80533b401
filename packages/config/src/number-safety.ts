import type { CleanedEnv } from 'envalid';
import { bool, makeValidator } from 'envalid';
import { nonNegativeInt, positiveInt } from './load.ts';

const positiveNumber = makeValidator<number>((raw) => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`must be a number > 0, got "${raw}"`);
  return n;
});

const growthFactor = makeValidator<number>((raw) => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 1) throw new Error(`must be a number ≥ 1, got "${raw}"`);
  return n;
});

/**
 * The dispatcher's number safety: budgets per WhatsApp number, warm-up, new contacts, typing time,
 * sticky sender and health. Defaults are the practitioners' safe figures (README, "Number safety").
 */
export const numberSafetySpecs = {
  // Off only to measure raw throughput (benchmarks) or to test something else: no budgets, no
  // warm-up, no new-contact budget, no typing delay, no health-based routing. Pacing stays as set.
  NUMBER_SAFETY: bool({ default: true }),
  // Divides every budget window (minute, hour, day, warm-up day, idle time): a simulated day of
  // 24 h runs in 24 h / scale. For simulations only; production refuses anything but 1.
  SAFETY_TIME_SCALE: positiveNumber({ default: 1 }),
  BUDGET_PER_MINUTE: positiveInt({ default: 8 }),
  BUDGET_PER_HOUR: positiveInt({ default: 200 }),
  BUDGET_PER_DAY: positiveInt({ default: 1_500 }),
  // Recipients a number never talked with, per day. Every first booking of a customer is one.
  BUDGET_NEW_CONTACTS_PER_DAY: positiveInt({ default: 40 }),
  WARMUP_FIRST_DAY: positiveInt({ default: 20 }),
  WARMUP_GROWTH: growthFactor({ default: 1.8 }),
  WARMUP_IDLE_HOURS: positiveInt({ default: 72 }),
  // Evolution's `delay` ("typing…"): per character of the text, bounded.
  TYPING_MS_PER_CHAR: nonNegativeInt({ default: 30 }),
  TYPING_MIN_MS: nonNegativeInt({ default: 1_000 }),
  TYPING_MAX_MS: nonNegativeInt({ default: 3_000 }),
  // How much longer a customer waits for the number that messaged them before (sticky sender),
  // and for one of the business's own numbers rather than a shared platform sender.
  ROUTE_STICKY_WAIT_MS: nonNegativeInt({ default: 10 * 60_000 }),
  ROUTE_SHARED_WAIT_MS: nonNegativeInt({ default: 10 * 60_000 }),
  HEALTH_INTERVAL_MS: positiveInt({ default: 30_000 }),
  // A send is judged once this old: did a delivery receipt come within it?
  HEALTH_RECEIPT_WINDOW_MS: positiveInt({ default: 10 * 60_000 }),
  // Judged sends without a single receipt before a number counts as swallowing its messages.
  HEALTH_MIN_SENDS: positiveInt({ default: 5 }),
  HEALTH_RESTART_COOLDOWN_MS: positiveInt({ default: 30 * 60_000 }),
};

export type NumberSafetyConfig = ReturnType<typeof numberSafetyFrom>;

export function numberSafetyFrom(e: CleanedEnv<typeof numberSafetySpecs>) {
  return {
    enabled: e.NUMBER_SAFETY,
    timeScale: e.SAFETY_TIME_SCALE,
    budget: {
      perMinute: e.BUDGET_PER_MINUTE,
      perHour: e.BUDGET_PER_HOUR,
      perDay: e.BUDGET_PER_DAY,
      newContactsPerDay: e.BUDGET_NEW_CONTACTS_PER_DAY,
    },
    warmup: { firstDay: e.WARMUP_FIRST_DAY, growth: e.WARMUP_GROWTH, idleHours: e.WARMUP_IDLE_HOURS },
    typing: { msPerChar: e.TYPING_MS_PER_CHAR, minMs: e.TYPING_MIN_MS, maxMs: e.TYPING_MAX_MS },
    routing: { stickyWaitMs: e.ROUTE_STICKY_WAIT_MS, sharedWaitMs: e.ROUTE_SHARED_WAIT_MS },
    health: {
      intervalMs: e.HEALTH_INTERVAL_MS,
      receiptWindowMs: e.HEALTH_RECEIPT_WINDOW_MS,
      minSends: e.HEALTH_MIN_SENDS,
      restartCooldownMs: e.HEALTH_RESTART_COOLDOWN_MS,
    },
  };
}

/** Cross-field problems: a scaled clock in production, typing bounds the wrong way round. */
export function numberSafetyChecks(
  env: string | undefined,
  c: Partial<{ SAFETY_TIME_SCALE: number; TYPING_MIN_MS: number; TYPING_MAX_MS: number }>,
): Record<string, string> {
  const problems: Record<string, string> = {};
  if (env === 'production' && c.SAFETY_TIME_SCALE !== undefined && c.SAFETY_TIME_SCALE !== 1) {
    problems.SAFETY_TIME_SCALE = 'must be 1 in production (a scaled clock is for simulations)';
  }
  if (c.TYPING_MIN_MS !== undefined && c.TYPING_MAX_MS !== undefined && c.TYPING_MIN_MS > c.TYPING_MAX_MS) {
    problems.TYPING_MIN_MS = `must not exceed TYPING_MAX_MS (${c.TYPING_MAX_MS})`;
  }
  return problems;
}
