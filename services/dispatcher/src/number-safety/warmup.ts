/**
 * Warm-up by number age: a new number may send `firstDay` messages on its first day, ×`growth`
 * each day after (20, 36, 65, 117, 210, 378, 680 by default), and from day 8 on only its usual
 * daily budget applies. A number that sent nothing for `idleMs` warms up again from day 1; an
 * operator can mark a number as already warm. Pure: `now` is a parameter.
 */
export const WARMUP_DAYS = 7;

export interface WarmupRule {
  firstDay: number;
  growth: number;
  idleMs: number;
  dayMs: number;
}

export interface NumberWarmth {
  /** Day 1 of its current warm-up (epoch ms). */
  warmSince: number;
  lastSentAt: number | null;
  markedWarmAt: number | null;
}

export type WarmupState =
  | { kind: 'warm'; why: 'aged' | 'marked' }
  | { kind: 'warming'; day: number; cap: number; since: number; rewarm: boolean };

/** The day budget of warm-up days 1…7. */
export function warmupCaps(rule: Pick<WarmupRule, 'firstDay' | 'growth'>): number[] {
  return Array.from({ length: WARMUP_DAYS }, (_, i) => Math.round(rule.firstDay * rule.growth ** i));
}

export function warmupState(number: NumberWarmth, now: number, rule: WarmupRule): WarmupState {
  const activity = Math.max(number.warmSince, number.lastSentAt ?? -Infinity, number.markedWarmAt ?? -Infinity);
  // Idle that long: WhatsApp sees a cold number again. Its next send is day 1.
  if (now - activity > rule.idleMs) return { kind: 'warming', day: 1, cap: rule.firstDay, since: now, rewarm: true };
  if (number.markedWarmAt !== null && number.markedWarmAt >= number.warmSince) return { kind: 'warm', why: 'marked' };
  const day = Math.max(1, Math.floor((now - number.warmSince) / rule.dayMs) + 1);
  if (day > WARMUP_DAYS) return { kind: 'warm', why: 'aged' };
  return { kind: 'warming', day, cap: warmupCaps(rule)[day - 1]!, since: number.warmSince, rewarm: false };
}
