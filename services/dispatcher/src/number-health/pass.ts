import type { NumberSafetyConfig } from '@bora/config';
import type { NumberHealthStats, Sql } from '@bora/db';
import type { Logger } from '@bora/logger';
import type { Cluster, Redis } from 'ioredis';
import type { ClientPool } from '../clients.ts';
import type { Fleet } from '../fleet-snapshot.ts';
import { budgetUnits, effectiveBudget } from '../number-safety/budget.ts';
import { readUsage } from '../pacing.ts';
import { scoreHealth } from './score.ts';
import { createHealthStore, type HealthRow, type NumberFacts } from './store.ts';

export interface HealthPassDeps {
  sql: Sql;
  redis: Redis | Cluster;
  prefix: string;
  fleet: Fleet;
  /** Clients with a short timeout (a restart must not hold the sweep behind a hung server). */
  clients: ClientPool;
  config: NumberSafetyConfig;
  logger: Logger;
}

/** Restarts of one number a day before the pass leaves it to an operator. */
const MAX_RESTARTS_PER_DAY = 3;

/**
 * The number-health pass (run by the sweeper's leader every HEALTH_INTERVAL_MS): each number's
 * score and reasons from its receipts and events, its budget and today's use, written for routing
 * and the fleet page. A number whose sends vanish is taken out of rotation (state `failing`; every
 * dispatcher reloads its snapshot) and, while Evolution calls it connected, restarted
 * (`POST /instance/restart`, never a logout) at most once per cooldown; its judging starts over.
 */
export function createHealthPass(deps: HealthPassDeps) {
  const store = createHealthStore(deps.sql);
  const { health } = deps.config;
  const units = budgetUnits(deps.config.timeScale);
  const windowMinutes = Math.max(1, Math.round(health.receiptWindowMs / 60_000));
  let lastRun = 0;

  function statsOf(
    facts: NumberFacts,
    usage: { sent: number; newContacts: number } | undefined,
    now: number,
  ): NumberHealthStats {
    const row = deps.fleet.view().safety.get(facts.id);
    const budget = row ? effectiveBudget(row, now, deps.config, units) : undefined;
    return {
      judgedSends: facts.judgedSends,
      receipted: facts.receipted,
      stuckPending: facts.stuckPending,
      disconnectsLastHour: facts.disconnectsLastHour,
      sessionRefusals: facts.sessionRefusals,
      reachoutRefusals: facts.reachoutRefusals,
      sendRefusals: facts.sendRefusals,
      serverReceipts: facts.serverReceipts,
      usage: { sentLast24h: usage?.sent ?? 0, newContactsLast24h: usage?.newContacts ?? 0 },
      budget: {
        perMinute: budget?.perMinute ?? deps.config.budget.perMinute,
        perHour: budget?.perHour ?? deps.config.budget.perHour,
        perDay: budget?.perDay ?? deps.config.budget.perDay,
        newContactsPerDay: budget?.newContactsPerDay ?? deps.config.budget.newContactsPerDay,
        today: budget?.today ?? deps.config.budget.perDay,
        warmupDay: budget?.warmup.kind === 'warming' ? budget.warmup.day : null,
        warm: budget?.warmup.kind === 'warm' ? budget.warmup.why : null,
      },
    };
  }

  async function restart(facts: NumberFacts): Promise<boolean> {
    const server = deps.fleet.view().servers.get(facts.serverId);
    if (!server?.apiKey) return false;
    const log = deps.logger.child({ evolutionApiId: server.id, instance: facts.instanceName });
    try {
      await deps.clients.get(server).restart(facts.instanceName);
      await store.noteRestart(facts.id);
      log.warn('number restarted: its sends were not being delivered');
      return true;
    } catch (err) {
      log.warn({ err }, 'restarting a stalled number failed; will try again after the cooldown');
      return false;
    }
  }

  async function runOnce(): Promise<{ numbers: number; changed: number; restarted: number }> {
    lastRun = Date.now();
    const facts = await store.gather({
      receiptWindowMs: health.receiptWindowMs,
      judgeWindowMs: Math.max(health.receiptWindowMs * 3, health.intervalMs * 4),
    });
    const now = Date.now();
    const usage = await readUsage(
      deps.redis,
      deps.prefix,
      facts.map((f) => f.id),
      units.hourMs,
      now,
    );
    const rows: HealthRow[] = [];
    const stalled: NumberFacts[] = [];
    let changed = 0;
    for (const f of facts) {
      const restartedRecently = f.lastRestartAt !== null && now - f.lastRestartAt.getTime() < health.restartCooldownMs;
      const verdict = scoreHealth({ ...f, restartedRecently }, { minSends: health.minSends, windowMinutes });
      rows.push({ id: f.id, ...verdict, stats: statsOf(f, usage.get(f.id), now) });
      if ((f.previousState ?? 'healthy') !== verdict.state) {
        changed++;
        deps.logger.info(
          {
            instance: f.instanceName,
            state: verdict.state,
            score: verdict.score,
            reasons: verdict.reasons.map((r) => r.code),
          },
          'number health changed',
        );
      }
      const stuck = verdict.state === 'failing' || f.stuckPending >= health.minSends;
      if (stuck && f.status === 'connected' && !restartedRecently && f.restartsLastDay < MAX_RESTARTS_PER_DAY)
        stalled.push(f);
    }
    await store.write(rows);
    let restarted = 0;
    for (const f of stalled) if (await restart(f)) restarted++;
    if (changed > 0 || restarted > 0) await store.notifyFleet();
    await store.prune();
    return { numbers: facts.length, changed, restarted };
  }

  return {
    runOnce,
    /** For the sweeper: runs when its interval has passed since the last pass. */
    async maybeRun(): Promise<void> {
      if (Date.now() - lastRun < health.intervalMs) return;
      await runOnce();
    },
  };
}
