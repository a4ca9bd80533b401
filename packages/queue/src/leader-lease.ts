import type { RedisClient } from './redis.ts';

// Renews the lease only if we still hold it (compare-and-set); one key, so one slot on a cluster.
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface LeaderLease {
  /** Takes the lease if it is free, renews it if we hold it; false while another replica holds it. */
  hold(): Promise<boolean>;
  /** Steps down (only if still ours), so another replica takes over at once instead of after the TTL. */
  release(): Promise<void>;
}

/**
 * One leader at a time among replicas, as a Redis key holding the leader's identity with a TTL.
 * A leader that dies simply stops renewing: the key expires and the next replica to ask takes it.
 */
export function createLeaderLease(
  redis: RedisClient,
  options: { key: string; owner: string; ttlMs: number },
): LeaderLease {
  const { key, owner, ttlMs } = options;
  return {
    async hold() {
      if ((await redis.set(key, owner, 'PX', ttlMs, 'NX')) === 'OK') return true;
      return Number(await redis.eval(RENEW, 1, key, owner, ttlMs)) === 1;
    },
    async release() {
      await redis.eval(RELEASE, 1, key, owner).catch(() => {});
    },
  };
}
