import type { RouteCandidate } from './routing.ts';

/** A candidate with the earliest moment it may send (its pacing, budgets, warm-up and locks allowing). */
export interface SlotOffer {
  readonly candidate: RouteCandidate;
  /** Epoch ms; `Infinity` when it cannot take this message at all. */
  readonly at: number;
}

export interface PickOptions {
  readonly now: number;
  /** How much longer a customer waits for the number that messaged them before (sticky sender). */
  readonly stickyWaitMs: number;
  /** How much longer a message waits for one of the business's own numbers rather than a shared sender. */
  readonly sharedWaitMs: number;
  /** How much longer a message waits for a healthy number rather than a degraded one. */
  readonly degradedWaitMs: number;
  /** Offers further away than this are not taken (a failover sends now or not at all). */
  readonly maxWaitMs?: number;
}

export type PickReason =
  'earliest' | 'sticky-kept' | 'own-number-kept' | 'healthy-kept' | 'nothing-in-time' | 'no-offer';

export interface RankedOffer {
  readonly offer: SlotOffer;
  readonly waitMs: number;
  /** What this offer's reason or health costs it against the others, in ms of waiting. */
  readonly penaltyMs: number;
}

export interface PickDecision {
  readonly chosen?: RankedOffer;
  /** Every offer with its cost, best first: the explanation. */
  readonly ranked: readonly RankedOffer[];
  readonly reason: PickReason;
}

/**
 * Which candidate sends a message, and when. Each offer costs its wait plus penalties: a number
 * other than the sticky one costs `stickyWaitMs` (when there is a sticky one), a shared sender
 * costs `sharedWaitMs` (when the business has a number on offer), a degraded number
 * `degradedWaitMs`. The cheapest wins; equal costs keep the route's order. So a burst spreads over
 * the business's free numbers, a customer keeps their number unless it is far busier, and a shared
 * sender is used only when the business's own numbers are that much later (over budget, locked).
 * Pure: time comes in as `now`.
 */
export function pickSender(offers: readonly SlotOffer[], options: PickOptions): PickDecision {
  const hasSticky = offers.some((o) => o.candidate.reason === 'sticky-sender' && Number.isFinite(o.at));
  const hasOwn = offers.some((o) => o.candidate.own && Number.isFinite(o.at));
  const ranked: RankedOffer[] = offers
    .filter((o) => Number.isFinite(o.at))
    .map((offer) => {
      const c = offer.candidate;
      const penaltyMs =
        (hasSticky && c.reason !== 'sticky-sender' ? options.stickyWaitMs : 0) +
        (hasOwn && !c.own ? options.sharedWaitMs : 0) +
        (c.health === 'degraded' ? options.degradedWaitMs : 0);
      return { offer, waitMs: Math.max(0, offer.at - options.now), penaltyMs };
    });
  const order = new Map(offers.map((o, i) => [o, i]));
  ranked.sort((a, b) => a.waitMs + a.penaltyMs - (b.waitMs + b.penaltyMs) || order.get(a.offer)! - order.get(b.offer)!);
  if (ranked.length === 0) return { ranked, reason: 'no-offer' };
  const inTime = options.maxWaitMs === undefined ? ranked : ranked.filter((r) => r.waitMs <= options.maxWaitMs!);
  const chosen = inTime[0];
  if (!chosen) return { ranked, reason: 'nothing-in-time' };
  const earliest = ranked.reduce((best, r) => (r.waitMs < best.waitMs ? r : best));
  let reason: PickReason = 'earliest';
  if (chosen.waitMs > earliest.waitMs) {
    const c = chosen.offer.candidate;
    if (c.reason === 'sticky-sender') reason = 'sticky-kept';
    else if (c.own && !earliest.offer.candidate.own) reason = 'own-number-kept';
    else reason = 'healthy-kept';
  }
  return { chosen, ranked, reason };
}
