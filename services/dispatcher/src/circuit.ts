import type { Redis } from 'ioredis';

// Counts a failure; at the threshold opens the circuit until now+openMs and leaves the count one
// short of the threshold, so a single failure right after the open period (half-open) reopens it.
const FAILURE = `
local count = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if count >= tonumber(ARGV[1]) then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('HSET', KEYS[2], ARGV[3], now + tonumber(ARGV[2]))
  redis.call('SET', KEYS[1], tonumber(ARGV[1]) - 1, 'PX', ARGV[2] * 4)
  return 1
end
return 0
`;

export interface CircuitOptions {
  failureThreshold: number;
  openMs: number;
}

export interface CircuitBreaker {
  /** Returns true when this failure opened the circuit. */
  recordFailure(serverId: string): Promise<boolean>;
  /** Returns true when this success closed an open circuit. */
  recordSuccess(serverId: string): Promise<boolean>;
  /** Servers whose circuit is open now (cached briefly; every replica sees the same Redis state). */
  openServers(): Promise<ReadonlySet<string>>;
}

/**
 * A circuit per Evolution server, shared across dispatcher replicas through Redis: after
 * `failureThreshold` server-side failures routing skips the server for `openMs`; the first
 * success afterwards closes it.
 */
export function createCircuitBreaker(redis: Redis, prefix: string, options: CircuitOptions, cacheMs = 500): CircuitBreaker {
  const openKey = `${prefix}:circuit:open`;
  let cached: { at: number; open: Set<string> } | undefined;

  return {
    async recordFailure(serverId) {
      const opened = Number(
        await redis.eval(FAILURE, 2, `${prefix}:circuit:fail:${serverId}`, openKey, options.failureThreshold, options.openMs, serverId),
      );
      if (opened) cached = undefined;
      return opened === 1;
    },
    async recordSuccess(serverId) {
      const results = await redis.multi().del(`${prefix}:circuit:fail:${serverId}`).hdel(openKey, serverId).exec();
      const closed = Number(results?.[1]?.[1] ?? 0) === 1;
      if (closed) cached = undefined;
      return closed;
    },
    async openServers() {
      const now = Date.now();
      if (cached && now - cached.at < cacheMs) return cached.open;
      const all = await redis.hgetall(openKey);
      const open = new Set(Object.entries(all).filter(([, until]) => Number(until) > now).map(([id]) => id));
      cached = { at: now, open };
      return open;
    },
  };
}
