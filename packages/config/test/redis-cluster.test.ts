import { describe, expect, it } from 'vitest';
import { ConfigError, loadAdminApiConfig, loadBookingApiConfig, loadDispatcherConfig } from '../src/index.ts';

function problemsOf(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('Redis Cluster and queue shard settings', () => {
  it('with nothing set: one node at REDIS_URL, one shard under {bora}, every shard consumed, retention defaults', () => {
    const dispatcher = loadDispatcherConfig({});
    expect(dispatcher.redis).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379' });
    expect([dispatcher.queuePrefix, dispatcher.queueShards, dispatcher.shardsConsumed]).toEqual(['{bora}', 1, [0]]);
    expect(dispatcher.maintenance).toEqual({
      intervalMs: 600_000,
      partitionMonthsAhead: 3,
      batchSize: 500,
      retentionDays: { attempts: 180, messageText: 30, customerData: 365 },
    });
  });

  it('REDIS_CLUSTER_NODES turns on cluster mode, with NAT map, credentials and TLS', () => {
    const config = loadBookingApiConfig({
      REDIS_CLUSTER_NODES: 'redis-a:7000, redis-b:7001,[::1]:7002',
      REDIS_CLUSTER_NAT_MAP: '10.0.0.5:6379=redis-a.example:7000,10.0.0.6:6379=redis-b.example:7001',
      REDIS_USERNAME: 'bora',
      REDIS_PASSWORD: 's3cret',
      REDIS_TLS: 'true',
      QUEUE_SHARDS: '8',
    });
    expect(config.redis).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'redis-a', port: 7000 },
        { host: 'redis-b', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      natMap: {
        '10.0.0.5:6379': { host: 'redis-a.example', port: 7000 },
        '10.0.0.6:6379': { host: 'redis-b.example', port: 7001 },
      },
      username: 'bora',
      password: 's3cret',
      tls: true,
    });
    expect(config.queueShards).toBe(8);
  });

  it('refuses bad nodes, a bad NAT map, and a prefix without a {hash tag} on a cluster or with shards, all at once', () => {
    expect(
      Object.keys(
        problemsOf(() =>
          loadAdminApiConfig({ REDIS_CLUSTER_NODES: 'redis-a', REDIS_CLUSTER_NAT_MAP: 'nope', QUEUE_SHARDS: '0' }),
        ),
      ).sort(),
    ).toEqual(['QUEUE_SHARDS', 'REDIS_CLUSTER_NAT_MAP', 'REDIS_CLUSTER_NODES']);
    expect(
      problemsOf(() => loadBookingApiConfig({ REDIS_CLUSTER_NODES: 'redis-a:7000', QUEUE_PREFIX: 'bora' }))
        .QUEUE_PREFIX,
    ).toMatch(/hash tag/);
    expect(problemsOf(() => loadDispatcherConfig({ QUEUE_SHARDS: '4', QUEUE_PREFIX: 'bora' })).QUEUE_PREFIX).toMatch(
      /QUEUE_SHARDS > 1/,
    );
  });

  it('QUEUE_SHARDS_CONSUMED picks a subset of the shards, and refuses shards that do not exist', () => {
    expect(loadDispatcherConfig({ QUEUE_SHARDS: '6', QUEUE_SHARDS_CONSUMED: '4, 1,1' }).shardsConsumed).toEqual([1, 4]);
    expect(loadDispatcherConfig({ QUEUE_SHARDS: '3' }).shardsConsumed).toEqual([0, 1, 2]);
    expect(
      problemsOf(() => loadDispatcherConfig({ QUEUE_SHARDS: '3', QUEUE_SHARDS_CONSUMED: '3' })).QUEUE_SHARDS_CONSUMED,
    ).toMatch(/from 0 to 2/);
    expect(problemsOf(() => loadDispatcherConfig({ QUEUE_SHARDS_CONSUMED: 'some' })).QUEUE_SHARDS_CONSUMED).toMatch(
      /"all"/,
    );
  });
});
