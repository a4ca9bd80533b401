import type { Redis } from 'ioredis';

const WINDOW_MS = 60_000;

/**
 * Counts failed admin logins per client IP in fixed one-minute windows. Kept in Redis so every
 * replica shares the count; if Redis is unreachable an in-process map takes over, which is
 * weaker (per replica) but never lets an outage turn into unlimited guessing.
 */
export function createLoginThrottle(redis: Redis, options: { prefix: string; maxPerMinute: number }) {
  const local = new Map<string, { count: number; resetAt: number }>();
  const keyOf = (ip: string) => `${options.prefix}:admin-login-failures:${ip}`;

  function localCount(ip: string, increment: number): number {
    const now = Date.now();
    let entry = local.get(ip);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + WINDOW_MS };
      local.set(ip, entry);
    }
    entry.count += increment;
    if (local.size > 10_000) for (const [k, v] of local) if (v.resetAt <= now) local.delete(k);
    return entry.count;
  }

  return {
    /** True when this IP has used up its failed attempts for the current minute. */
    async isBlocked(ip: string): Promise<boolean> {
      try {
        const count = Number((await redis.get(keyOf(ip))) ?? 0);
        return count >= options.maxPerMinute;
      } catch {
        return localCount(ip, 0) >= options.maxPerMinute;
      }
    },
    async recordFailure(ip: string): Promise<void> {
      try {
        // The first failure of a window starts its clock; later ones must not extend it.
        if ((await redis.incr(keyOf(ip))) === 1) await redis.pexpire(keyOf(ip), WINDOW_MS);
      } catch {
        localCount(ip, 1);
      }
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
