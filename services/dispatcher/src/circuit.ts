import type { Cluster, Redis } from 'ioredis';

// Counts a failure; at the threshold opens the circuit until now+openMs and leaves the count one
// short of the threshold, so a single failure right after the open period (half-open) reopens it.
// Any probe of a half-open circuit is over either way.
const FAILURE = `
local count = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('DEL', KEYS[3])
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
  /** How long one half-open probe holds the server before another may try (≥ a send's timeout). */
  probeMs?: number;
}

export interface CircuitState {
  /** Routing skips these. */
  open: ReadonlySet<string>;
  /** Past their open period: one probe at a time may go (`tryProbe`), the rest skip them. */
  halfOpen: ReadonlySet<string>;
}

export interface CircuitBreaker {
  /** Returns true when this failure opened the circuit. */
  recordFailure(serverId: string): Promise<boolean>;
  /** Returns true when this success closed an open circuit. */
  recordSuccess(serverId: string): Promise<boolean>;
  /** Open and half-open servers now (cached briefly; every replica sees the same Redis state). */
  state(): Promise<CircuitState>;
  /** The cached state if it is fresh, without touching Redis (the send path's fast check). */
  peek(): CircuitState | undefined;
  /** The one probe of a half-open server, across every replica: true for the sender that got it. */
  tryProbe(serverId: string): Promise<boolean>;
}

/**
 * A circuit per Evolution server, shared across dispatcher replicas through Redis: after
 * `failureThreshold` server-side failures routing skips the server for `openMs`; then a single
 * probe send decides — its success closes the circuit, its failure opens it again — while every
 * other message keeps routing around the server instead of piling onto one still sick.
 */
export function createCircuitBreaker(
  redis: Redis | Cluster,
  prefix: string,
  options: CircuitOptions,
  cacheMs = 500,
): CircuitBreaker {
  const openKey = `${prefix}:circuit:open`;
  const probeKey = (id: string) => `${prefix}:circuit:probe:${id}`;
  const probeMs = options.probeMs ?? 30_000;
  let cached: { at: number; state: CircuitState } | undefined;

  return {
    async recordFailure(serverId) {
      const opened = Number(
        await redis.eval(
          FAILURE,
          3,
          `${prefix}:circuit:fail:${serverId}`,
          openKey,
          probeKey(serverId),
          options.failureThreshold,
          options.openMs,
          serverId,
        ),
      );
      if (opened) cached = undefined;
      return opened === 1;
    },
    async recordSuccess(serverId) {
      const results = await redis
        .multi()
        .del(`${prefix}:circuit:fail:${serverId}`)
        .hdel(openKey, serverId)
        .del(probeKey(serverId))
        .exec();
      const closed = Number(results?.[1]?.[1] ?? 0) === 1;
      if (closed) cached = undefined;
      return closed;
    },
    async state() {
      const now = Date.now();
      if (cached && now - cached.at < cacheMs) return cached.state;
      const all = await redis.hgetall(openKey);
      const open = new Set<string>();
      const halfOpen = new Set<string>();
      for (const [id, until] of Object.entries(all)) (Number(until) > now ? open : halfOpen).add(id);
      cached = { at: now, state: { open, halfOpen } };
      return cached.state;
    },
    peek() {
      return cached && Date.now() - cached.at < cacheMs ? cached.state : undefined;
    },
    async tryProbe(serverId) {
      return (await redis.set(probeKey(serverId), '1', 'PX', probeMs, 'NX')) === 'OK';
    },
  };
}
