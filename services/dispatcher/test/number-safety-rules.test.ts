import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scoreHealth, type HealthInputs } from '../src/number-health/score.ts';
import { budgetUnits } from '../src/number-safety/budget.ts';
import { bellCurveGap } from '../src/number-safety/gap.ts';
import { typingDelay } from '../src/number-safety/typing.ts';
import { warmupCaps, warmupState } from '../src/number-safety/warmup.ts';

const DAY = 86_400_000;
const rule = { firstDay: 20, growth: 1.8, idleMs: 72 * 3_600_000, dayMs: DAY };

describe('warm-up by number age', () => {
  it('starts at 20 and grows ×1.8 a day: 20, 36, 65, 117, 210, 378, 680', () => {
    expect(warmupCaps(rule)).toEqual([20, 36, 65, 117, 210, 378, 680]);
  });

  it('counts days from warm_since, with no warm-up cap from day 8', () => {
    const since = Date.UTC(2030, 0, 1);
    const at = (days: number, last = since + days * DAY - 1_000) =>
      warmupState({ warmSince: since, lastSentAt: last, markedWarmAt: null }, since + days * DAY, rule);
    expect(at(0.5)).toEqual({ kind: 'warming', day: 1, cap: 20, since, rewarm: false });
    expect(at(2.1)).toMatchObject({ kind: 'warming', day: 3, cap: 65 });
    expect(at(6.9)).toMatchObject({ kind: 'warming', day: 7, cap: 680 });
    expect(at(7)).toEqual({ kind: 'warm', why: 'aged' });
  });

  it('warms up again after 72 h without a send, even an operator-warm or old number', () => {
    const since = Date.UTC(2030, 0, 1);
    const now = since + 30 * DAY;
    expect(warmupState({ warmSince: since, lastSentAt: now - 73 * 3_600_000, markedWarmAt: null }, now, rule)).toEqual({
      kind: 'warming',
      day: 1,
      cap: 20,
      since: now,
      rewarm: true,
    });
    expect(warmupState({ warmSince: since, lastSentAt: now - 71 * 3_600_000, markedWarmAt: null }, now, rule)).toEqual({
      kind: 'warm',
      why: 'aged',
    });
    expect(warmupState({ warmSince: since, lastSentAt: null, markedWarmAt: since + DAY }, now, rule)).toMatchObject({
      kind: 'warming',
      day: 1,
      rewarm: true,
    });
    // A number registered but never used for four days is cold too.
    expect(warmupState({ warmSince: now - 4 * DAY, lastSentAt: null, markedWarmAt: null }, now, rule)).toMatchObject({
      kind: 'warming',
      day: 1,
      rewarm: true,
    });
  });

  it('an operator can mark a number as already warm; a restarted warm-up overrides an older mark', () => {
    const now = Date.UTC(2030, 0, 10);
    expect(
      warmupState({ warmSince: now - DAY, lastSentAt: now - 1_000, markedWarmAt: now - 1_000 }, now, rule),
    ).toEqual({ kind: 'warm', why: 'marked' });
    expect(
      warmupState({ warmSince: now - 1_000, lastSentAt: now - 500, markedWarmAt: now - DAY }, now, rule),
    ).toMatchObject({ kind: 'warming', day: 1 });
  });

  it('scales every window for simulations (hour = 60 minutes, day = 24 hours, whole ms)', () => {
    expect(budgetUnits(1)).toEqual({ minuteMs: 60_000, hourMs: 3_600_000, dayMs: DAY });
    expect(budgetUnits(1_440)).toEqual({ minuteMs: 42, hourMs: 2_520, dayMs: 60_480 });
  });
});

describe('gaps from a bell curve', () => {
  it('always fall inside [min, min + spread], whole milliseconds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 16, maxLength: 16 }),
        (min, spread, draws) => {
          let i = 0;
          const gap = bellCurveGap(min, spread, () => draws[i++ % draws.length]!);
          expect(Number.isInteger(gap)).toBe(true);
          expect(gap).toBeGreaterThanOrEqual(min);
          expect(gap).toBeLessThanOrEqual(min + spread);
        },
      ),
    );
  });

  it('cluster around the middle (1.5–5 s: mean ≈ 3.25 s, few near the ends) rather than spreading evenly', () => {
    const gaps = Array.from({ length: 20_000 }, () => bellCurveGap(1_500, 3_500));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(Math.abs(mean - 3_250)).toBeLessThan(50);
    const nearEnds = gaps.filter((g) => g < 1_850 || g > 4_650).length / gaps.length;
    // A uniform draw puts 20% of gaps in the outer tenths; this bell curve about 5%.
    expect(nearEnds).toBeLessThan(0.08);
  });
});

describe('typing delay', () => {
  const typing = { msPerChar: 30, minMs: 1_000, maxMs: 3_000 };
  it('scales with the text’s length, bounded', () => {
    expect(typingDelay('Oi', typing)).toBe(1_000);
    expect(typingDelay('x'.repeat(50), typing)).toBe(1_500);
    expect(typingDelay('x'.repeat(500), typing)).toBe(3_000);
    expect(typingDelay('👍'.repeat(50), typing)).toBe(1_500);
    expect(typingDelay('anything', { ...typing, maxMs: 0 })).toBe(0);
  });
});

describe('number health from receipts', () => {
  const quiet: HealthInputs = {
    judgedSends: 0,
    receipted: 0,
    stuckPending: 0,
    disconnectsLastHour: 0,
    sessionRefusals: 0,
    reachoutRefusals: 0,
    sendRefusals: 0,
    serverReceipts: true,
    restartedRecently: false,
  };
  const score = (over: Partial<HealthInputs>) => scoreHealth({ ...quiet, ...over }, { minSends: 5, windowMinutes: 10 });

  it('a number without trouble is healthy at 100', () => {
    expect(score({ judgedSends: 40, receipted: 40 })).toEqual({ score: 100, state: 'healthy', reasons: [] });
  });

  it('enough sends and not one receipt, where the server delivers receipts, is failing: its messages vanish', () => {
    const v = score({ judgedSends: 6, receipted: 0, stuckPending: 6 });
    expect(v.state).toBe('failing');
    expect(v.reasons.map((r) => r.code)).toEqual(['sends-vanish']);
    expect(v.reasons[0]!.text).toBe(
      '6 envios sem nenhuma confirmação de entrega em 10 min: as mensagens estão sumindo',
    );
    // Too few sends to judge, or a server that sends no receipts at all: not proof.
    expect(score({ judgedSends: 4, receipted: 0 }).state).toBe('healthy');
    expect(score({ judgedSends: 50, receipted: 0, serverReceipts: false }).state).toBe('healthy');
  });

  it('a low receipt share, disconnects, refused sessions and 463s lower the score, each with its reason', () => {
    const v = score({
      judgedSends: 10,
      receipted: 5,
      stuckPending: 5,
      disconnectsLastHour: 2,
      sessionRefusals: 1,
      reachoutRefusals: 1,
    });
    expect(v.reasons.map((r) => [r.code, r.penalty])).toEqual([
      ['few-receipts', 22],
      ['stuck-pending', 10],
      ['disconnects', 20],
      ['session-refused', 30],
      ['reachout-refused', 20],
    ]);
    expect(v).toMatchObject({ score: 0, state: 'degraded' });
    expect(score({ disconnectsLastHour: 3 }).state).toBe('degraded');
    // Just restarted: on probation, whatever its score.
    expect(score({ restartedRecently: true })).toMatchObject({ score: 90, state: 'degraded' });
  });
});
