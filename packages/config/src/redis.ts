import { bool, str } from 'envalid';
import { makeValidator, type CleanedEnv } from 'envalid';

/**
 * Where Redis is: one node (`REDIS_URL`) or a Redis Cluster (`REDIS_CLUSTER_NODES`, which wins
 * when set). Plain data; `@bora/queue`'s `createRedis` opens the right ioredis client from it.
 */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | {
      kind: 'cluster';
      /** Seed nodes; the client learns the rest of the cluster from any one of them. */
      nodes: { host: string; port: number }[];
      /** Addresses the nodes announce → addresses this process can reach (NAT, Docker, k8s). */
      natMap?: Record<string, { host: string; port: number }>;
      username?: string;
      password?: string;
      tls: boolean;
    };

const hostPort = (raw: string, what: string): { host: string; port: number } => {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(raw.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65_535) throw new Error(`${what} must be host:port, got "${raw.trim()}"`);
  return { host: m[1]!, port };
};

export const clusterNodes = makeValidator<{ host: string; port: number }[]>((raw) => {
  const parts = raw.split(',').filter((p) => p.trim() !== '');
  if (parts.length === 0) throw new Error('must list host:port,host:port,… (at least one node)');
  return parts.map((p) => hostPort(p, 'each node'));
});

export const natMap = makeValidator<Record<string, { host: string; port: number }>>((raw) => {
  const map: Record<string, { host: string; port: number }> = {};
  for (const pair of raw.split(',').filter((p) => p.trim() !== '')) {
    const [from, to] = pair.split('=');
    if (!from || !to)
      throw new Error(`must be announced=reachable pairs (10.0.0.5:6379=redis-a.example:7000,…), got "${pair.trim()}"`);
    const announced = hostPort(from, 'the announced address');
    map[`${announced.host}:${announced.port}`] = hostPort(to, 'the reachable address');
  }
  return map;
});

export const redisSpecs = {
  // Cluster mode when set (comma-separated seed nodes); REDIS_URL then goes unused.
  REDIS_CLUSTER_NODES: clusterNodes({ default: undefined }),
  REDIS_CLUSTER_NAT_MAP: natMap({ default: undefined }),
  // Credentials and TLS for cluster nodes (a single node takes them in its rediss://user:pass@ URL).
  REDIS_USERNAME: str({ default: undefined }),
  REDIS_PASSWORD: str({ default: undefined }),
  REDIS_TLS: bool({ default: false }),
};

export function redisTargetFrom(e: CleanedEnv<typeof redisSpecs> & { REDIS_URL: string }): RedisTarget {
  if (!e.REDIS_CLUSTER_NODES) return { kind: 'single', url: e.REDIS_URL };
  return {
    kind: 'cluster',
    nodes: e.REDIS_CLUSTER_NODES,
    ...(e.REDIS_CLUSTER_NAT_MAP ? { natMap: e.REDIS_CLUSTER_NAT_MAP } : {}),
    ...(e.REDIS_USERNAME ? { username: e.REDIS_USERNAME } : {}),
    ...(e.REDIS_PASSWORD ? { password: e.REDIS_PASSWORD } : {}),
    tls: e.REDIS_TLS,
  };
}

/** `{bora}` → `bora`; undefined when the prefix has no `{hash tag}`. */
export function hashTagOf(prefix: string): string | undefined {
  const m = /\{([^{}]+)\}/.exec(prefix);
  return m ? m[1] : undefined;
}

/**
 * Cross-field rules: on a cluster, or with more than one shard, the queue prefix must carry a
 * `{hash tag}` (BullMQ's multi-key scripts need every key of a queue in one slot, and each shard
 * gets its own tag derived from it).
 */
export function redisChecks(c: {
  QUEUE_PREFIX?: string;
  QUEUE_SHARDS?: number;
  REDIS_CLUSTER_NODES?: unknown;
}): Record<string, string> {
  const problems: Record<string, string> = {};
  if (c.QUEUE_PREFIX === undefined) return problems;
  const tagged = hashTagOf(c.QUEUE_PREFIX) !== undefined;
  if (!tagged && c.REDIS_CLUSTER_NODES)
    problems.QUEUE_PREFIX = 'must contain a {hash tag} on a Redis Cluster (e.g. {bora})';
  else if (!tagged && (c.QUEUE_SHARDS ?? 1) > 1)
    problems.QUEUE_PREFIX = 'must contain a {hash tag} when QUEUE_SHARDS > 1 (each shard gets its own tag)';
  return problems;
}
