import { createNotificationQueues } from '@bora/queue';
import { deleteKeys, QUEUE_PREFIXES, type BenchContext } from './context.ts';
import { serviceSide } from './dispatch-sides.ts';
import { round, steadyRate } from './measure.ts';
import { startDispatcher } from './services.ts';
import type { RunningSim, SimFleet } from './simulator.ts';

/**
 * Number safety's time scale for this round: budget windows ÷60 (a minute lasts 1 s), pacing gaps
 * and typing time shrunk by hand the same way (1.5–5 s → 25–83 ms; 1–3 s → 17–50 ms).
 */
export const BUDGET_TIME_SCALE = 60;
const BUDGET_ENV = {
  NUMBER_SAFETY: 'true',
  SAFETY_TIME_SCALE: String(BUDGET_TIME_SCALE),
  PACING_MIN_INTERVAL_MS: '25',
  PACING_JITTER_MS: '58',
  TYPING_MS_PER_CHAR: '1',
  TYPING_MIN_MS: '17',
  TYPING_MAX_MS: '50',
};

export interface BudgetRound {
  numbers: number;
  messages: number;
  /** The default per-minute budget (BUDGET_PER_MINUTE). */
  perMinuteBudget: number;
  /** Measured messages per number and (real, unscaled) minute, steady state. */
  perNumberPerMinute: number;
  /** Messages/s the round reached (on the scaled clock) and what the budget allows at that scale. */
  scaledRate: number;
  scaledCeiling: number;
  /** The most messages one number sent in any (scaled) minute: never above the budget. */
  densestMinute: number;
  verified: boolean;
}

/**
 * Dispatch with number safety on, as production runs it (8/min, 200/h, 1,500/day per number; a
 * warm fleet): one business's 20 numbers, more messages than they may send at once. The rate the
 * simulator sees is the real ceiling — numbers × budget — not the dispatcher's throughput. Every
 * recipient is new, so fewer messages per number than the new-contact budget (40 a day): past it
 * the rest would wait a (scaled) day.
 */
export async function runBudgetRound(
  ctx: BenchContext,
  sim: RunningSim,
  fleet: SimFleet,
  messagesPerNumber: number,
): Promise<BudgetRound> {
  await deleteKeys(ctx.redis, QUEUE_PREFIXES.dispatchBudget);
  const server = fleet.servers[0]!;
  const [tenant] = await ctx.sql<{ id: string }[]>`
    insert into tenants (slug, name, allow_shared_sender) values ('bench-budget', 'Negócio com orçamento', false) returning id`;
  // This business's own numbers: the first server's, warm (no warm-up cap).
  await ctx.sql`
    update whatsapp_instances set tenant_id = ${tenant!.id}, marked_warm_at = now() + interval '1 second'
     where instance_name like ${`${server.name}-wa%`}`;
  const numbers = server.instances.length;
  const messages = numbers * messagesPerNumber;
  const dispatcher = await startDispatcher(
    ctx,
    'dispatcher-budget',
    QUEUE_PREFIXES.dispatchBudget,
    ctx.settings.dispatch.concurrency,
    BUDGET_ENV,
  );
  const side = serviceSide(
    ctx,
    tenant!.id,
    createNotificationQueues({ connection: ctx.redis, prefix: QUEUE_PREFIXES.dispatchBudget }),
  );
  try {
    await sim.clearMessages();
    const check = await side.run(messages, 1);
    const received = (await sim.messages()).filter((m) => m.server === server.name);
    // Sends are released on Redis' clock; each then types for its own 17–50 ms and crosses a busy
    // machine (a 100 ms stall of a loaded 2-core box is 6 s at this ×60 scale, nothing at real
    // time): a window at the simulator is read shorter by the typing spread and 100 ms.
    const minuteMs =
      Math.round(60_000 / BUDGET_TIME_SCALE) -
      (Number(BUDGET_ENV.TYPING_MAX_MS) - Number(BUDGET_ENV.TYPING_MIN_MS)) -
      100;
    let densestMinute = 0;
    for (const instance of server.instances) {
      const times = received
        .filter((m) => m.instance === instance)
        .map((m) => m.receivedAt)
        .sort((a, b) => a - b);
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[i]! - times[j]! >= minuteMs) j++;
        densestMinute = Math.max(densestMinute, i - j + 1);
      }
    }
    const scaledRate = steadyRate(received.map((m) => m.receivedAt));
    const perMinuteBudget = 8;
    const result: BudgetRound = {
      numbers,
      messages,
      perMinuteBudget,
      perNumberPerMinute: round(((scaledRate / BUDGET_TIME_SCALE) * 60) / numbers, 2),
      scaledRate: round(scaledRate, 1),
      scaledCeiling: round((numbers * perMinuteBudget * BUDGET_TIME_SCALE) / 60, 1),
      densestMinute,
      verified: check?.ok === true && received.length === messages,
    };
    ctx.log(
      `dispatch with budgets: ${result.perNumberPerMinute} msg/min per number (budget ${perMinuteBudget}); ${result.scaledRate} msg/s at ×${BUDGET_TIME_SCALE} (ceiling ${result.scaledCeiling}); densest minute ${densestMinute}`,
    );
    return result;
  } finally {
    await side.queue.close();
    await dispatcher.child.stop();
    await deleteKeys(ctx.redis, QUEUE_PREFIXES.dispatchBudget);
  }
}
