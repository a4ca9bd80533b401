import type { NumberSafetyConfig } from '@bora/config';
import type { SlotBudget } from '../pacing.ts';
import { warmupCaps, warmupState, type WarmupRule, type WarmupState } from './warmup.ts';

/** What the fleet snapshot knows of a number's safety (whatsapp_instances' columns), times in epoch ms. */
export interface NumberSafetyRow {
  createdAt: number;
  warmSince: number;
  lastSentAt: number | null;
  markedWarmAt: number | null;
  /** Per-number overrides; null = the defaults. */
  budget: { perMinute: number | null; perHour: number | null; perDay: number | null; newContactsPerDay: number | null };
  reachoutLockedUntil: number | null;
}

export interface BudgetUnits {
  minuteMs: number;
  hourMs: number;
  dayMs: number;
}

/** The budget windows, shrunk by SAFETY_TIME_SCALE for simulations (whole milliseconds, hour = 60 minutes). */
export function budgetUnits(timeScale: number): BudgetUnits {
  const minuteMs = Math.max(1, Math.round(60_000 / timeScale));
  return { minuteMs, hourMs: minuteMs * 60, dayMs: minuteMs * 60 * 24 };
}

export function warmupRule(config: NumberSafetyConfig, units: BudgetUnits): WarmupRule {
  return {
    firstDay: config.warmup.firstDay,
    growth: config.warmup.growth,
    idleMs: config.warmup.idleHours * units.hourMs,
    dayMs: units.dayMs,
  };
}

export interface EffectiveBudget {
  perMinute: number;
  perHour: number;
  perDay: number;
  newContactsPerDay: number;
  warmup: WarmupState;
  /** Today's day budget: the warm-up's when lower than the number's own. */
  today: number;
}

/** A number's budgets now: its own overrides, else the defaults; the day's further capped by warm-up. */
export function effectiveBudget(
  row: NumberSafetyRow,
  now: number,
  config: NumberSafetyConfig,
  units: BudgetUnits,
): EffectiveBudget {
  const perDay = row.budget.perDay ?? config.budget.perDay;
  const warmup = warmupState(row, now, warmupRule(config, units));
  return {
    perMinute: row.budget.perMinute ?? config.budget.perMinute,
    perHour: row.budget.perHour ?? config.budget.perHour,
    perDay,
    newContactsPerDay: row.budget.newContactsPerDay ?? config.budget.newContactsPerDay,
    warmup,
    today: warmup.kind === 'warming' ? Math.min(perDay, warmup.cap) : perDay,
  };
}

/** The slot script's budget for sending one message through this number. */
export function slotBudgetFor(
  row: NumberSafetyRow,
  newContact: boolean,
  now: number,
  config: NumberSafetyConfig,
  units: BudgetUnits,
): SlotBudget {
  const budget = effectiveBudget(row, now, config, units);
  const warming = budget.warmup.kind === 'warming';
  return {
    perMinute: budget.perMinute,
    perHour: budget.perHour,
    perDay: budget.perDay,
    newContactsPerDay: budget.newContactsPerDay,
    warmStart: budget.warmup.kind === 'warming' ? budget.warmup.since : null,
    warmupCaps: warming ? warmupCaps(config.warmup).map((cap) => Math.min(cap, budget.perDay)) : [],
    newContact,
    notBefore: newContact && row.reachoutLockedUntil !== null ? Math.ceil(row.reachoutLockedUntil) : 0,
    units,
  };
}
