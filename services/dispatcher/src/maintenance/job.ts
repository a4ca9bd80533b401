import type { Sql } from '@bora/db';
import type { Ledger } from '@bora/ledger';
import type { Logger } from '@bora/logger';
import type { RedisClient } from '@bora/queue';
import { Counter, Gauge, type Registry } from 'prom-client';
import {
  dropExpiredPartitions,
  ensurePartitions,
  listPartitions,
  monthsCovered,
  PARTITIONED_TABLES,
  type PartitionedTable,
} from './partitions.ts';
import { retentionRules, type RetentionDays, type RetentionRule } from './retention.ts';

// Renews the lease only if we still hold it (compare-and-set); one key, so one slot on a cluster.
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface MaintenanceDeps {
  sql: Sql;
  ledger: Ledger;
  redis: RedisClient;
  /** The base queue prefix: the lease is `${prefix}:maintenance:leader`. */
  prefix: string;
  logger: Logger;
  registry: Registry;
  owner: string;
  intervalMs: number;
  monthsAhead: number;
  batchSize: number;
  retentionDays: RetentionDays;
  /**
   * Batches per rule per run (default 200: 100,000 rows per rule per run at the default batch, about
   * 14 million a day at the default interval): a run stays bounded, a backlog drains over several.
   */
  maxBatchesPerRule?: number;
  /** Pause between batches, so the purge yields to the hot path. */
  pauseMs?: number;
  tables?: readonly PartitionedTable[];
  rules?: RetentionRule[];
}

export interface MaintenanceReport {
  leader: boolean;
  created: string[];
  dropped: string[];
  purged: Record<string, number>;
}

/**
 * Postgres upkeep, one leader at a time (a Redis lease, like the sweeper's): monthly partitions
 * created ahead, months past their retention dropped, and each retention rule run in small
 * batches. Off the hot path: bounded statements, `skip locked`, a pause between batches, and
 * everything in a run is best effort (a failure is logged and retried on the next run).
 */
export function createMaintenance(deps: MaintenanceDeps) {
  const leaderKey = `${deps.prefix}:maintenance:leader`;
  const tables = deps.tables ?? PARTITIONED_TABLES;
  const rules = deps.rules ?? retentionRules({ sql: deps.sql, ledger: deps.ledger });
  const maxBatches = deps.maxBatchesPerRule ?? 200;
  const pauseMs = deps.pauseMs ?? 50;
  const purgedTotal = new Counter({
    name: 'dispatcher_retention_rows_total',
    help: 'Rows purged or anonymised by retention, by rule',
    labelNames: ['rule'],
    registers: [deps.registry],
  });
  const ahead = new Gauge({
    name: 'dispatcher_partition_months_ahead',
    help: 'Whole months ahead that already have a partition (below 1: inserts are at risk next month)',
    labelNames: ['table'],
    registers: [deps.registry],
  });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  async function isLeader(): Promise<boolean> {
    const ttl = deps.intervalMs * 3;
    if ((await deps.redis.set(leaderKey, deps.owner, 'PX', ttl, 'NX')) === 'OK') return true;
    return Number(await deps.redis.eval(RENEW, 1, leaderKey, deps.owner, ttl)) === 1;
  }

  async function runOnce(now = new Date()): Promise<MaintenanceReport> {
    const report: MaintenanceReport = { leader: false, created: [], dropped: [], purged: {} };
    if (!(await isLeader())) return report;
    report.leader = true;
    for (const spec of tables) {
      await step(`partitions of ${spec.table}`, async () => {
        report.created.push(...(await ensurePartitions(deps.sql, spec, deps.monthsAhead, now)));
        report.dropped.push(...(await dropExpiredPartitions(deps.sql, spec, deps.retentionDays[spec.retention], now)));
        ahead.set({ table: spec.table }, monthsCovered(await listPartitions(deps.sql, spec.table), now));
      });
    }
    for (const rule of rules) {
      const days = deps.retentionDays[rule.setting];
      if (days <= 0) continue;
      await step(`retention ${rule.name}`, async () => {
        let total = 0;
        for (let i = 0; i < maxBatches && !stopped; i++) {
          const n = await rule.batch(days, deps.batchSize);
          total += n;
          // Counted per batch: a long drain shows on /metrics while it runs.
          if (n > 0) purgedTotal.inc({ rule: rule.name }, n);
          if (n < deps.batchSize) break;
          await new Promise((resolve) => setTimeout(resolve, pauseMs));
        }
        report.purged[rule.name] = total;
      });
    }
    if (report.created.length || report.dropped.length || Object.values(report.purged).some((n) => n > 0)) {
      deps.logger.info(
        { created: report.created, dropped: report.dropped, purged: report.purged },
        'maintenance: partitions and retention',
      );
    }
    return report;
  }

  async function step(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      deps.logger.warn({ err, step: what }, 'maintenance step failed; retried on the next run');
    }
  }

  function loop(): void {
    if (stopped) return;
    running = runOnce()
      .catch((err: unknown) => deps.logger.warn({ err }, 'maintenance run failed; will retry'))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, deps.intervalMs);
      });
  }

  return {
    runOnce,
    start() {
      stopped = false;
      loop();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await deps.redis.eval(RELEASE, 1, leaderKey, deps.owner).catch(() => {});
    },
  };
}

export type Maintenance = ReturnType<typeof createMaintenance>;
