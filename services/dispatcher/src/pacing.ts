import type { Redis } from 'ioredis';

// Reserves the next free send slot of one WhatsApp instance and returns how long to wait for it.
// Redis TIME keeps every replica on one clock; the key expires once the instance has been idle.
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nextFree)
local gap = tonumber(ARGV[1])
redis.call('SET', KEYS[1], slot + gap, 'PX', slot - now + gap + 60000)
return slot - now
`;

export interface PacingOptions {
  minIntervalMs: number;
  jitterMs: number;
}

export interface Pacer {
  /** Reserves a slot for `instanceId`; resolves to the milliseconds until that slot (0 = now). */
  reserve(instanceId: string): Promise<number>;
  readonly enabled: boolean;
}

/**
 * Per-instance pacing shared by every dispatcher replica: each send reserves the instance's next
 * slot (minimum interval plus jitter after the previous one). WhatsApp bans numbers that burst, so
 * a message whose slot is in the future is delayed — not failed — until then.
 */
export function createPacer(redis: Redis, prefix: string, options: PacingOptions, random: () => number = Math.random): Pacer {
  const enabled = options.minIntervalMs > 0 || options.jitterMs > 0;
  return {
    enabled,
    async reserve(instanceId) {
      if (!enabled) return 0;
      const gap = options.minIntervalMs + Math.round(random() * options.jitterMs);
      const wait = await redis.eval(RESERVE, 1, `${prefix}:pace:${instanceId}`, gap);
      return Number(wait);
    },
  };
}
