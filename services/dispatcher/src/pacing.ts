import type { Cluster, Redis } from 'ioredis';

// Per instance, two timestamps on Redis' clock (one clock for every replica):
//   last = when the instance last actually sent; next = the next slot not yet promised.
// Without a held slot (ARGV[2] = 0): the earliest slot ≥ now, ≥ next and ≥ last + gap. If it is
//   further than the caller's maximum wait (ARGV[3] ≥ 0), promise nothing and answer how far it is
//   (a positive number); else promise it: if it is now, record the send and answer 0, otherwise
//   answer the slot (a negative number).
// With a held slot: go when both the slot and the spacing since the last real send have come
//   (record it, answer 0); else answer the milliseconds still to wait (positive).
const PACE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gap = tonumber(ARGV[1])
local held = tonumber(ARGV[2])
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = gap + 120000
if held > 0 then
  local earliest = math.max(held, last + gap)
  if earliest <= now then
    redis.call('SET', KEYS[1], now, 'PX', ttl)
    return 0
  end
  return earliest - now
end
local nextFree = tonumber(redis.call('GET', KEYS[2]) or '0')
local slot = math.max(now, nextFree, last + gap)
local maxWait = tonumber(ARGV[3])
if maxWait >= 0 and slot - now > maxWait then
  return slot - now
end
redis.call('SET', KEYS[2], slot + gap, 'PX', slot - now + ttl)
if slot == now then
  redis.call('SET', KEYS[1], now, 'PX', ttl)
  return 0
end
return -slot
`;

export interface PacingOptions {
  minIntervalMs: number;
  jitterMs: number;
}

/** go: send now (recorded); a slot: promised to the caller, come back then; busy: nothing promised. */
export type PaceAnswer = { go: true } | { go: false; slot: number; waitMs: number } | { go: false; busy: true; waitMs: number };

export interface Pacer {
  readonly enabled: boolean;
  /**
   * Asks to send now; if the instance is busy, promises its next slot instead — unless that slot
   * is further than `maxWaitMs`: then nothing is reserved (a slot promised and abandoned would
   * hold the instance idle) and the answer is `busy`.
   */
  request(instanceId: string, options?: { maxWaitMs?: number }): Promise<PaceAnswer>;
  /** For a job waking at its promised slot: 0 = send now (recorded), else ms still to wait. */
  redeem(instanceId: string, slot: number): Promise<number>;
}

/**
 * Per-instance pacing shared by every dispatcher replica. WhatsApp bans numbers that burst, so
 * consecutive sends of one instance are at least `minIntervalMs` (+ jitter) apart, measured
 * between real sends; a message whose instance is busy gets a promised slot and is delayed to it
 * — not failed, and without spending an attempt.
 */
export function createPacer(redis: Redis | Cluster, prefix: string, options: PacingOptions, random: () => number = Math.random): Pacer {
  const enabled = options.minIntervalMs > 0 || options.jitterMs > 0;
  const gap = () => options.minIntervalMs + Math.round(random() * options.jitterMs);
  const keys = (id: string) => [`${prefix}:pace:${id}:last`, `${prefix}:pace:${id}:next`];
  return {
    enabled,
    async request(instanceId, requestOptions) {
      if (!enabled) return { go: true };
      const max = requestOptions?.maxWaitMs;
      const maxWait = max === undefined || !Number.isFinite(max) ? -1 : Math.max(0, Math.floor(max));
      const answer = Number(await redis.eval(PACE, 2, ...keys(instanceId), gap(), 0, maxWait));
      if (answer === 0) return { go: true };
      if (answer > 0) return { go: false, busy: true, waitMs: answer };
      const slot = -answer;
      return { go: false, slot, waitMs: Math.max(1, slot - Date.now()) };
    },
    async redeem(instanceId, slot) {
      if (!enabled) return 0;
      return Number(await redis.eval(PACE, 2, ...keys(instanceId), options.minIntervalMs, slot, -1));
    },
  };
}

/** What the pacer lets a candidate do now: send, skip it, or (the best sender only) come back at its slot. */
export type PaceGate = { kind: 'go' } | { kind: 'skip' } | { kind: 'later'; slot: number; waitMs: number };

/**
 * The pacing decision for one candidate. A job holding a slot of this instance (promised before its
 * delay) redeems it. The best sender may promise any slot (the job is then delayed to it); a
 * failover sender only one near enough to wait for inline, so a far one is never reserved and
 * then left unused. `state.paced` is consumed by the redeem.
 */
export function createPaceGate(pacer: Pacer, maxInlineWaitMs: number) {
  async function redeemSlot(instanceId: string, slot: number): Promise<boolean> {
    // Waits inline for the little lateness a predecessor may add.
    for (let i = 0; i < 5; i++) {
      const wait = await pacer.redeem(instanceId, slot);
      if (wait === 0) return true;
      if (wait > maxInlineWaitMs) return false;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    return false;
  }

  return async function gate(state: { paced?: { instanceId: string; at: number } }, candidate: { instanceId: string }, best: boolean): Promise<PaceGate> {
    if (!pacer.enabled) return { kind: 'go' };
    const held = state.paced;
    if (held && held.instanceId === candidate.instanceId) {
      state.paced = undefined;
      if (await redeemSlot(candidate.instanceId, held.at)) return { kind: 'go' };
    }
    const answer = await pacer.request(candidate.instanceId, { maxWaitMs: best ? undefined : maxInlineWaitMs });
    if (answer.go) return { kind: 'go' };
    if ('busy' in answer) return { kind: 'skip' };
    if (best) return { kind: 'later', slot: answer.slot, waitMs: answer.waitMs };
    await new Promise((resolve) => setTimeout(resolve, answer.waitMs));
    return (await redeemSlot(candidate.instanceId, answer.slot)) ? { kind: 'go' } : { kind: 'skip' };
  };
}
