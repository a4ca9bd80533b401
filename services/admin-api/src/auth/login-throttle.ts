import type { RedisClient } from '@bora/queue';

const WINDOW_MS = 60_000;

/**
 * One round trip, atomic: count the failure and make sure the window has an expiry. Two
 * commands (INCR, then PEXPIRE on the first) leave a counter that never expires — an IP locked
 * out for good — when the process dies between them; a key found without one gets it here.
 */
const RECORD_FAILURE = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

export interface FailureVerdict {
  /** This failure is past the IP's budget for the window: answer 429, not 401. */
  throttled: boolean;
  /** Seconds until the window ends (the Retry-After of a 429). */
  retryAfterSeconds: number;
}

/**
 * Counts failed admin logins per client IP in fixed one-minute windows. Only failures are
 * counted and only failures are refused: callers compare the token first, so a right token is
 * never held back by someone else guessing from the same address (a NAT, an office). Kept in
 * Redis so every replica shares the count; if Redis is unreachable an in-process map takes over,
 * which is weaker (per replica) but never lets an outage turn into unlimited guessing; the shared
 * count is never believed below this replica's own.
 */
export function createLoginThrottle(redis: RedisClient, options: { prefix: string; maxPerMinute: number }) {
  const local = new Map<string, { count: number; resetAt: number }>();
  const keyOf = (ip: string) => `${options.prefix}:admin-login-failures:${ip}`;

  function countLocally(ip: string): [count: number, ttlMs: number] {
    const now = Date.now();
    let entry = local.get(ip);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + WINDOW_MS };
      local.set(ip, entry);
    }
    entry.count += 1;
    if (local.size > 10_000) for (const [k, v] of local) if (v.resetAt <= now) local.delete(k);
    return [entry.count, entry.resetAt - now];
  }

  return {
    async recordFailure(ip: string): Promise<FailureVerdict> {
      // Counted here too, always: a Redis call that timed out (a loaded server) may or may not
      // have counted, and the shared count must never read lower than what this replica saw.
      let [count, ttlMs] = countLocally(ip);
      try {
        const [shared, sharedTtl] = (await redis.eval(RECORD_FAILURE, 1, keyOf(ip), WINDOW_MS)) as [number, number];
        if (shared >= count) [count, ttlMs] = [shared, sharedTtl];
      } catch {
        // Redis unreachable: this replica's own count decides.
      }
      return { throttled: count > options.maxPerMinute, retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) };
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
