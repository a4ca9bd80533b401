import { createDb, type DbHandle } from '@bora/db';
import { createTestEnv, type TestEnv } from '@bora/testing';
import { diagnose } from './diagnose.ts';
import type { FleetSpec } from './seed-fleet.ts';
import { auditLogs, secretsOf, type AuditResult } from './log-audit.ts';
import { startOwnPostgres, type OwnPostgres } from './own-postgres.ts';
import { startOwnCluster, type OwnCluster } from './own-cluster.ts';
import { startOwnRedis, type OwnRedis } from './own-redis.ts';
import { startSystem, type System, type SystemOptions } from './system.ts';

export const TENANT = 'barbearia-caos';

/** One tenant with its own number on evo1, two shared senders on evo2: the common case. */
export function defaultFleet(): FleetSpec {
  return {
    tenants: [{ slug: TENANT, name: 'Barbearia do Caos' }],
    servers: [
      {
        name: 'Evolution 1',
        simName: 'evo1',
        priority: 10,
        instances: [{ name: 'caos-01', phone: '5511990000001', tenant: TENANT, isPrimary: true }],
      },
      {
        name: 'Evolution 2',
        simName: 'evo2',
        priority: 5,
        instances: [
          { name: 'shared-01', phone: '5511990000002', tenant: null, isPrimary: true },
          { name: 'shared-02', phone: '5511990000003', tenant: null },
        ],
      },
    ],
  };
}

export interface ScenarioOptions extends Omit<SystemOptions, 'databaseUrl' | 'redisUrl' | 'queuePrefix' | 'fleet'> {
  fleet?: FleetSpec;
  /** A Redis this scenario may kill (instead of a prefix on the shared one). */
  ownRedis?: boolean;
  /** A Postgres this scenario may stop (instead of a database on the shared one). */
  ownPostgres?: boolean;
  /**
   * A 6-node Redis Cluster of its own (3 masters, 3 replicas) that the scenario may fail over;
   * every service gets `REDIS_CLUSTER_NODES` and this many `QUEUE_SHARDS`.
   */
  ownCluster?: { shards: number };
}

export interface Scenario {
  system: System;
  /** The test's own connection to the scenario's database. */
  db: DbHandle;
  redisUrl: string;
  ownRedis?: OwnRedis;
  ownPostgres?: OwnPostgres;
  ownCluster?: OwnCluster;
  queuePrefix: string;
  /** Every customer number this scenario used, for the log audit. */
  phones: string[];
  audit(): AuditResult;
  /** Every process's state, warnings and last lines: the message for a failed delivery check. */
  diagnose(): string;
  cleanup(): Promise<void>;
}

export async function openScenario(options: ScenarioOptions = {}): Promise<Scenario> {
  const cleanups: Array<() => Promise<unknown>> = [];
  let env: TestEnv | undefined;
  let redisUrl: string;
  let databaseUrl: string;
  let queuePrefix: string;
  let ownRedis: OwnRedis | undefined;
  let ownPostgres: OwnPostgres | undefined;
  let ownCluster: OwnCluster | undefined;
  try {
    env = await createTestEnv();
    cleanups.push(() => env!.cleanup());
    queuePrefix = env.queuePrefix;
    redisUrl = env.redisUrl;
    databaseUrl = env.databaseUrl;
    if (options.ownRedis) {
      ownRedis = await startOwnRedis();
      cleanups.push(() => ownRedis!.stop());
      redisUrl = ownRedis.url;
    }
    if (options.ownPostgres) {
      ownPostgres = await startOwnPostgres();
      cleanups.push(() => ownPostgres!.destroy());
      databaseUrl = ownPostgres.url('bora_chaos');
    }
    const { fleet, ownCluster: clusterOptions, ...rest } = options;
    if (clusterOptions) {
      ownCluster = await startOwnCluster();
      cleanups.push(() => ownCluster!.stop());
      rest.env = { ...rest.env, REDIS_CLUSTER_NODES: ownCluster.nodes, QUEUE_SHARDS: String(clusterOptions.shards) };
    }
    const system = await startSystem({ ...rest, databaseUrl, redisUrl, queuePrefix, fleet: fleet ?? defaultFleet() });
    cleanups.push(() => system.stop());
    const db = createDb(databaseUrl, { max: 4, applicationName: 'bora-chaos-test' });
    cleanups.push(() => db.close());
    const phones: string[] = [];
    return {
      system,
      db,
      redisUrl,
      ownRedis,
      ownPostgres,
      ownCluster,
      queuePrefix,
      phones,
      audit: () => auditLogs(system.all, secretsOf(system, phones)),
      diagnose: () => diagnose(system.all),
      cleanup: async () => {
        for (const clean of cleanups.reverse()) await clean().catch(() => {});
      },
    };
  } catch (error) {
    for (const clean of cleanups.reverse()) await clean().catch(() => {});
    throw error;
  }
}
