import { sleep } from '@bora/core';
import { pickSender, type PickDecision, type RouteCandidate } from '@bora/balancer';
import type { Pacer, SlotBudget } from './pacing.ts';

/** What the gate lets this pass do: send through a candidate now, come back at its slot, wait for a busy server, or nothing. */
export type Choice =
  | { kind: 'go'; candidate: RouteCandidate }
  | { kind: 'later'; candidate: RouteCandidate; slot: number; waitMs: number; reserved: boolean }
  | { kind: 'server-busy'; candidate: RouteCandidate }
  | { kind: 'none'; decision?: PickDecision };

/**
 * Whether a candidate may send at all right now (its server's share of sends in flight, a
 * half-open circuit's probe). `best`: it is the pass's first choice, which may make the message
 * wait a moment for its server (`wait`) rather than spill elsewhere.
 */
export type Usable = (candidate: RouteCandidate, best: boolean) => Promise<'ok' | 'skip' | 'wait'>;

export interface ChoiceRequest {
  /** A slot this job was promised before its delay, if any (consumed by the redeem). */
  held?: { instanceId: string; at: number };
  candidates: readonly RouteCandidate[];
  /** No HTTP send yet in this pass: any slot may be promised (the job is delayed to it); after one, only a slot near enough to wait for inline. */
  firstTry: boolean;
  /** The number's budget for this message (undefined: pacing only). */
  budgetOf(candidate: RouteCandidate): SlotBudget | undefined;
  usable: Usable;
}

export interface SenderChoiceOptions {
  pacer: Pacer;
  /** A failover candidate whose slot is further away than this is not taken in this pass. */
  maxInlineWaitMs: number;
  waits: { stickyWaitMs: number; sharedWaitMs: number; degradedWaitMs: number };
  /**
   * Under a budget, a slot further than this is not promised: the job comes back then and asks
   * again. A number's slots are promised in order, so a far promise (tomorrow's budget, the end of
   * a reach-out lock) would hold back every message after it, warm chats included.
   */
  reserveHorizonMs: number;
}

/**
 * The gate between routing and sending. A job holding a slot of a candidate redeems it. Otherwise
 * every candidate's earliest slot is asked for in one round trip (pacing, budgets, warm-up, new
 * contacts, reach-out lock), `pickSender` chooses (sticky number, the business's own numbers before
 * shared ones, healthy before degraded, each within its wait), and the slot is promised. The first
 * try of a pass may be promised any slot; a failover only one near enough to wait for inline, so a
 * far one is never reserved and then left unused.
 */
export function createSenderChoice(options: SenderChoiceOptions) {
  const { pacer } = options;

  /** Sends at a promised slot: 0 = go (recorded), else how long still to wait (a late predecessor, the minute's real sends). */
  async function redeemSlot(instanceId: string, slot: number, budget: SlotBudget | undefined): Promise<number> {
    // Waits inline for the little lateness a predecessor may add.
    let wait = 0;
    for (let i = 0; i < 5; i++) {
      wait = await pacer.redeem(instanceId, slot, budget);
      if (wait === 0 || wait > options.maxInlineWaitMs) return wait;
      await sleep(wait);
    }
    return wait;
  }

  async function reserve(candidate: RouteCandidate, request: ChoiceRequest): Promise<Choice | 'lost'> {
    const budget = request.budgetOf(candidate);
    if (!request.firstTry) {
      const answer = await pacer.request(candidate.instanceId, { maxWaitMs: options.maxInlineWaitMs, budget });
      if (answer.go) return { kind: 'go', candidate };
      if ('busy' in answer) return 'lost';
      await sleep(answer.waitMs);
      return (await redeemSlot(candidate.instanceId, answer.slot, budget)) === 0 ? { kind: 'go', candidate } : 'lost';
    }
    // The first try takes whatever slot is next — other jobs may have taken the one peeked — but
    // under a budget promises none beyond the horizon: it comes back then instead.
    const answer = await pacer.request(candidate.instanceId, {
      maxWaitMs: budget ? options.reserveHorizonMs : undefined,
      budget,
    });
    if (answer.go) return { kind: 'go', candidate };
    if ('busy' in answer)
      return { kind: 'later', candidate, slot: Date.now() + answer.waitMs, waitMs: answer.waitMs, reserved: false };
    return { kind: 'later', candidate, slot: answer.slot, waitMs: answer.waitMs, reserved: true };
  }

  return async function choose(request: ChoiceRequest): Promise<Choice> {
    let candidates = [...request.candidates];
    const held = request.held;
    if (held) {
      const holder = candidates.find((c) => c.instanceId === held.instanceId);
      // Its server busy a moment: wait for it, slot kept (a second promise would count twice).
      const usable = holder ? await request.usable(holder, request.firstTry) : 'skip';
      if (holder && usable === 'wait') return { kind: 'server-busy', candidate: holder };
      if (holder && usable === 'ok') {
        const wait = await redeemSlot(holder.instanceId, held.at, request.budgetOf(holder));
        if (wait === 0) return { kind: 'go', candidate: holder };
        // Still its slot, only later (a late predecessor, the minute's real sends): keep it and come
        // back, rather than promise a second slot and count the message twice against the budget.
        if (request.firstTry) return { kind: 'later', candidate: holder, slot: held.at, waitMs: wait, reserved: true };
      }
    }
    const gated = pacer.enabled || candidates.some((c) => request.budgetOf(c) !== undefined);
    // A few rounds: a candidate found unusable, or whose slot another replica took, is dropped.
    for (let round = 0; round < 4 && candidates.length > 0; round++) {
      if (!gated) {
        const usable = await firstUsable(candidates, request);
        return usable ?? { kind: 'none' };
      }
      const { now, at } = await pacer.peek(
        candidates.map((c) => ({ instanceId: c.instanceId, budget: request.budgetOf(c) })),
      );
      const decision = pickSender(
        candidates.map((candidate, i) => ({ candidate, at: at[i]! })),
        { now, ...options.waits, maxWaitMs: request.firstTry ? undefined : options.maxInlineWaitMs },
      );
      const chosen = decision.chosen;
      if (!chosen) return { kind: 'none', decision };
      const candidate = chosen.offer.candidate;
      const usable = await request.usable(candidate, request.firstTry);
      if (usable === 'wait') return { kind: 'server-busy', candidate };
      if (usable === 'ok') {
        if (request.firstTry && chosen.waitMs > options.reserveHorizonMs && request.budgetOf(candidate)) {
          return { kind: 'later', candidate, slot: chosen.offer.at, waitMs: chosen.waitMs, reserved: false };
        }
        const choice = await reserve(candidate, request);
        if (choice !== 'lost') return choice;
      }
      candidates = candidates.filter((c) => c !== candidate);
    }
    return { kind: 'none' };
  };
}

/** Without pacing or budgets: the route's order decides. */
async function firstUsable(candidates: readonly RouteCandidate[], request: ChoiceRequest): Promise<Choice | undefined> {
  for (const [i, candidate] of candidates.entries()) {
    const usable = await request.usable(candidate, request.firstTry && i === 0);
    if (usable === 'wait') return { kind: 'server-busy', candidate };
    if (usable === 'ok') return { kind: 'go', candidate };
  }
  return undefined;
}

export type SenderChoice = ReturnType<typeof createSenderChoice>;
