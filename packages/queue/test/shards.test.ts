import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { clusterRoleOptions, shardOf, shardPrefixes } from '../src/index.ts';

describe('queue shards', () => {
  it('one shard keeps the historical prefix (no key moves for an existing deployment)', () => {
    expect(shardPrefixes('{bora}')).toEqual(['{bora}']);
    expect(shardPrefixes('{bora}', 1)).toEqual(['{bora}']);
    expect(shardPrefixes('bora', 1)).toEqual(['bora']);
    expect(shardOf(randomUUID(), 1)).toBe(0);
  });

  it('N shards: each its own hash tag, derived from the base tag', () => {
    expect(shardPrefixes('{bora}', 3)).toEqual(['{bora-0}', '{bora-1}', '{bora-2}']);
    expect(shardPrefixes('prod:{bora}', 2)).toEqual(['prod:{bora-0}', 'prod:{bora-1}']);
    expect(() => shardPrefixes('bora', 2)).toThrow(/hash tag/);
    expect(() => shardPrefixes('{bora}', 0)).toThrow(/positive/);
  });

  it('a tenant always maps to the same shard: FNV-1a of its id, pinned (every producer and release must agree)', () => {
    // Pinned values (FNV-1a 32-bit, computed independently): changing the hash would move
    // tenants between shards under a running fleet, and their queued messages with them.
    expect(shardOf('6f1c8a52-3d7e-4b7a-9a43-1f0e2d3c4b5a', 4)).toBe(0x65d23667 % 4);
    expect(shardOf('0b8e4c1d-2a3f-4e5d-8c7b-6a5f4e3d2c1b', 4)).toBe(0xbc69e1f0 % 4);
    expect(shardOf('tenant-a', 16)).toBe(0x93332d7b % 16);
    expect(shardOf('00000000-0000-0000-0000-000000000000', 8)).toBe(0xbe478ed1 % 8);
  });

  it('spreads many tenants roughly evenly', () => {
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8_000; i++) counts[shardOf(randomUUID(), 8)]++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });

  it("cluster options: the role's bounds go to every node, reads stay on masters, NAT and TLS are passed", () => {
    const target = {
      kind: 'cluster' as const,
      nodes: [{ host: 'a', port: 1 }],
      natMap: { '10.0.0.1:6379': { host: 'a', port: 1 } },
      password: 'p',
      tls: true,
    };
    const producer = clusterRoleOptions('producer', target);
    expect(producer).toMatchObject({ enableOfflineQueue: false, scaleReads: 'master', natMap: target.natMap });
    expect(producer.redisOptions).toMatchObject({
      maxRetriesPerRequest: 1,
      commandTimeout: 2_000,
      password: 'p',
      tls: {},
    });
    const worker = clusterRoleOptions('worker', { ...target, tls: false, password: undefined });
    expect(worker.redisOptions).toMatchObject({ maxRetriesPerRequest: null, commandTimeout: undefined });
    expect(worker.redisOptions).not.toHaveProperty('tls');
  });
});
