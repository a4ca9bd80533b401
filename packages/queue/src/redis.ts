import type { RedisTarget } from '@bora/config';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/**
 * Redis connections by role. A producer (booking-api, admin-api) must fail fast when Redis is
 * down — the booking is already safe in Postgres and the sweeper will enqueue it — so it keeps no
 * offline queue and gives up quickly. `commands` (the dispatcher's pacing, circuits, sweeper) rides
 * out a reconnect but never waits on a frozen Redis past its command timeout. A worker's blocking
 * connection (BullMQ requires it) retries forever and has no command timeout (its BZPOPMIN blocks).
 */
export type RedisRole = 'producer' | 'commands' | 'worker';

/** A single node or a Redis Cluster: every command the services use exists on both. */
export type RedisClient = Redis | Cluster;

// Every key set for every role, so a `duplicate(redisRoleOptions(x))` of another role's client
// takes nothing of that role with it.
const ROLES: Record<
  RedisRole,
  Pick<RedisOptions, 'enableOfflineQueue' | 'maxRetriesPerRequest' | 'connectTimeout' | 'commandTimeout'>
> = {
  producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 2_000 },
  commands: { enableOfflineQueue: true, maxRetriesPerRequest: 2, connectTimeout: 5_000, commandTimeout: 3_000 },
  worker: { enableOfflineQueue: true, maxRetriesPerRequest: null, connectTimeout: 5_000, commandTimeout: undefined },
};

/** Options a role's connection is opened with (a duplicate for another role passes these). */
export function redisRoleOptions(role: RedisRole): RedisOptions {
  return { ...ROLES[role], retryStrategy: (times) => Math.min(times * 200, 2_000) };
}

/**
 * Cluster options for a role. The role's per-command bounds go to every node connection
 * (`redisOptions`); the offline queue is the cluster's own. A failover (a replica promoted, slots
 * moving) answers MOVED / TRYAGAIN / CLUSTERDOWN for a moment: the client follows redirections
 * and retries those on its own, refreshing the slot map, within the role's command timeout.
 */
export function clusterRoleOptions(role: RedisRole, target: Extract<RedisTarget, { kind: 'cluster' }>): ClusterOptions {
  const { enableOfflineQueue, retryStrategy: _nodeRetry, ...perNode } = redisRoleOptions(role);
  return {
    enableOfflineQueue,
    // Every role keeps reconnecting (a producer fails fast through its lack of an offline queue,
    // never by giving up on the cluster for good).
    clusterRetryStrategy: (times) => Math.min(times * 200, 2_000),
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 200,
    maxRedirections: 16,
    slotsRefreshTimeout: 2_000,
    // Writes and reads go to masters: BullMQ and our Lua scripts need read-your-writes.
    scaleReads: 'master',
    ...(target.natMap ? { natMap: target.natMap } : {}),
    redisOptions: {
      ...perNode,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    },
  };
}

export function createRedis(target: string | RedisTarget, role: RedisRole, extra: RedisOptions = {}): RedisClient {
  const where: RedisTarget = typeof target === 'string' ? { kind: 'single', url: target } : target;
  let redis: RedisClient;
  if (where.kind === 'single') {
    redis = new Redis(where.url, { ...redisRoleOptions(role), ...extra });
  } else {
    const options = clusterRoleOptions(role, where);
    redis = new Cluster(where.nodes, { ...options, redisOptions: { ...options.redisOptions, ...extra } });
  }
  // ioredis emits 'error' on every failed reconnect; readiness checks and logs report outages.
  redis.on('error', () => {});
  return redis;
}

/** A new connection to the same Redis (node or cluster) with another role's options. */
export function duplicateRedis(redis: RedisClient, role: RedisRole): RedisClient {
  let copy: RedisClient;
  if (redis instanceof Cluster) {
    const { enableOfflineQueue, retryStrategy: _nodeRetry, ...perNode } = redisRoleOptions(role);
    copy = redis.duplicate(undefined, {
      enableOfflineQueue,
      redisOptions: { ...redis.options.redisOptions, ...perNode },
    });
  } else {
    copy = redis.duplicate(redisRoleOptions(role));
  }
  copy.on('error', () => {});
  return copy;
}

/**
 * PING that tolerates a client still (re)connecting: a fail-fast producer refuses commands until
 * it is ready, so wait briefly for readiness instead of reporting a healthy Redis as down. On a
 * cluster the PING goes to every master (each one owns part of the queues' slots).
 */
export async function pingRedis(redis: RedisClient, waitMs = 1_500): Promise<string> {
  if (redis.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        redis.off('ready', onReady);
        reject(new Error(`Redis not reachable (${redis.status})`));
      }, waitMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      redis.once('ready', onReady);
    });
  }
  if (redis instanceof Cluster) {
    const masters = redis.nodes('master');
    if (masters.length === 0) throw new Error('Redis Cluster has no reachable master');
    const answers = await Promise.all(masters.map((node) => node.ping()));
    return answers.every((a) => a === 'PONG') ? 'PONG' : answers.find((a) => a !== 'PONG')!;
  }
  return redis.ping();
}

/**
 * One-shot probe: does Redis answer PING at `target`? (start-up checks, test discovery) For a
 * cluster: does it answer, with every slot served (`cluster_state:ok`)?
 */
export async function redisAnswers(target: string | RedisTarget, timeoutMs = 3_000): Promise<boolean> {
  const where: RedisTarget = typeof target === 'string' ? { kind: 'single', url: target } : target;
  if (where.kind === 'single') {
    const redis = new Redis(where.url, {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => {});
    try {
      await redis.connect();
      return (await redis.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      redis.disconnect();
    }
  }
  const cluster = new Cluster(where.nodes, {
    ...clusterRoleOptions('producer', where),
    lazyConnect: true,
    clusterRetryStrategy: () => null,
    redisOptions: {
      ...clusterRoleOptions('producer', where).redisOptions,
      connectTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
    },
  });
  cluster.on('error', () => {});
  try {
    await cluster.connect();
    const info = String(await cluster.cluster('INFO'));
    return /cluster_state:ok/.test(info) && (await pingRedis(cluster, timeoutMs)) === 'PONG';
  } catch {
    return false;
  } finally {
    cluster.disconnect();
  }
}

/** Where a target points, for messages (no credentials). */
export function describeRedis(target: string | RedisTarget): string {
  const where: RedisTarget = typeof target === 'string' ? { kind: 'single', url: target } : target;
  if (where.kind === 'single') return where.url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  return `Redis Cluster ${where.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
}
