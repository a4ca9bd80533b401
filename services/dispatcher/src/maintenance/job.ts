import type { Sql } from '@bora/db';
import type { Ledger } from '@bora/ledger';
import type { Logger } from '@bora/logger';
import { repeatEvery } from '@bora/core';
import { createLeaderLease, type RedisClient } from '@bora/queue';
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
  const lease = createLeaderLease(deps.redis, {
    key: `${deps.prefix}:maintenance:leader`,
    owner: deps.owner,
    ttlMs: deps.intervalMs * 3,
  });
  const repeater = repeatEvery(
    deps.intervalMs,
    () => runOnce(),
    (err) => deps.logger.warn({ err }, 'maintenance run failed; will retry'),
  );

  async function runOnce(now = new Date()): Promise<MaintenanceReport> {
    const report: MaintenanceReport = { leader: false, created: [], dropped: [], purged: {} };
    if (!(await lease.hold())) return report;
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
        for (let i = 0; i < maxBatches && !repeater.stopped; i++) {
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

  return {
    runOnce,
    start: () => repeater.start(),
    async stop() {
      await repeater.stop();
      await lease.release();
    },
  };
}

export type Maintenance = ReturnType<typeof createMaintenance>;
