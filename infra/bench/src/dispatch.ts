import { createNotificationQueues } from '@bora/queue';
import { meanCpuMs, type CpuReport } from './cpu.ts';
import { deleteKeys, QUEUE_PREFIXES, type BenchContext } from './context.ts';
import { resetData } from './database.ts';
import { runBudgetRound, type BudgetRound } from './dispatch-budget.ts';
import { bareSide, serviceSide, type Side } from './dispatch-sides.ts';
import type { LedgerCheck } from './ledger-check.ts';
import { mean, median, round, steadyRate } from './measure.ts';
import { createTenant, seedFleet } from './seed.ts';
import { startBareWorker, startDispatcher } from './services.ts';
import { simFleet, startSim, type RunningSim } from './simulator.ts';

export interface DispatchRound {
  side: 'service' | 'bare';
  messages: number;
  /** Steady-state messages/s at the simulator (10th–90th percentile send). */
  rate: number;
  /** CPU per message: the worker process, the simulator, Postgres backends, Redis, the harness. */
  cpu: CpuReport;
  check?: LedgerCheck;
}

export interface DispatchResult {
  serviceRate: number;
  bareRate: number;
  /** Median of the per-pair ratios (each pair ran back to back, under the same conditions). */
  ratio: number;
  pairRatios: number[];
  /** Worker-side CPU ms per message (worker process + Postgres backends + Redis), mean over rounds. */
  serviceCpuMs: number;
  bareCpuMs: number;
  instances: number;
  rounds: DispatchRound[];
  verified: boolean;
  rssDispatcherMb: number;
  rssBareMb: number;
  /** The same dispatcher with number safety on: the real ceiling, numbers × budget. */
  budget?: BudgetRound;
}

/**
 * Dispatch: the dispatcher process (claim, render, route, send, ledger + attempt rows) against a
 * bare BullMQ worker doing one HTTP POST per job, both with the same concurrency, the same
 * zero-latency simulator process and the same instances; pacing off. Rounds alternate, each on a
 * fresh batch of notification rows, and the rate is read from the simulator's receive times.
 */
export async function runDispatch(ctx: BenchContext): Promise<DispatchResult> {
  const s = ctx.settings.dispatch;
  await resetData(ctx.sql);
  await deleteKeys(ctx.redis, QUEUE_PREFIXES.dispatch);
  await deleteKeys(ctx.redis, QUEUE_PREFIXES.dispatchBaseline);
  const fleet = simFleet(s.servers, s.instancesPerServer);
  const sim = await startSim(ctx, 'sim-dispatch', fleet);
  const tenantId = await createTenant(ctx.sql, 'bench-dispatch');
  await seedFleet(
    ctx.sql,
    ctx.secretKey,
    fleet.servers.map((f) => ({ name: f.name, url: sim.serverUrl(f.name), apiKey: f.apiKey })),
    s.instancesPerServer,
  );
  const targets = fleet.servers.flatMap((f) =>
    f.instances.map((instance) => ({ url: sim.serverUrl(f.name), apiKey: f.apiKey, instance })),
  );
  const [dispatcher, bare] = await Promise.all([
    startDispatcher(ctx, 'dispatcher-dispatch', QUEUE_PREFIXES.dispatch, s.concurrency),
    startBareWorker(ctx, 'bare-worker', {
      queuePrefix: QUEUE_PREFIXES.dispatchBaseline,
      concurrency: s.concurrency,
      targets,
    }),
  ]);
  const sides = {
    service: serviceSide(
      ctx,
      tenantId,
      createNotificationQueues({ connection: ctx.redis, prefix: QUEUE_PREFIXES.dispatch }),
    ),
    bare: bareSide(createNotificationQueues({ connection: ctx.redis, prefix: QUEUE_PREFIXES.dispatchBaseline })),
  };
  try {
    ctx.log(`dispatch: ${targets.length} instances on ${s.servers} servers; warm-up ${s.warmupMessages} messages each`);
    const meters = {
      service: ctx.cpuMeter({ worker: dispatcher.child.pid, simulator: sim.child.pid, redis: ctx.redisPid }),
      bare: ctx.cpuMeter({ worker: bare.child.pid, simulator: sim.child.pid, redis: ctx.redisPid }),
    };
    for (const side of ['service', 'bare'] as const) await measureRound(sim, sides[side], s.warmupMessages, 0);

    const rounds: DispatchRound[] = [];
    for (let pair = 1; pair <= s.pairs; pair++) {
      for (const side of ['service', 'bare'] as const) {
        const stopMeter = await meters[side].start();
        const { rate, check } = await measureRound(sim, sides[side], s.messagesPerRound, pair);
        const cpu = await stopMeter(s.messagesPerRound);
        rounds.push({ side, messages: s.messagesPerRound, rate: round(rate, 0), cpu, ...(check && { check }) });
        ctx.log(
          `dispatch: ${side.padEnd(7)} ${rate.toFixed(0)} msg/s  CPU ms/msg ${JSON.stringify(cpu.perUnitMs)}  cores ours ${cpu.ourCores} machine ${cpu.machineCores}` +
            (check ? `  ledger ${check.ok ? 'ok' : `MISMATCH ${JSON.stringify(check)}`}` : ''),
        );
      }
    }
    const rss = { dispatcher: dispatcher.child.peakRssMb(), bare: bare.child.peakRssMb() };
    // Last: it hands the first server's numbers to one business.
    await Promise.all([dispatcher.child.stop(), bare.child.stop()]);
    const budget = await runBudgetRound(ctx, sim, fleet, s.budgetMessagesPerNumber);
    const ratesOf = (side: DispatchRound['side']) => rounds.filter((r) => r.side === side).map((r) => r.rate);
    const cpuOf = (side: DispatchRound['side']) =>
      meanCpuMs(
        rounds.filter((r) => r.side === side).map((r) => r.cpu),
        ['worker', 'postgres', 'redis'],
      );
    const pairRatios = ratesOf('service').map((rate, i) => rate / ratesOf('bare')[i]!);
    return {
      serviceRate: round(mean(ratesOf('service')), 0),
      bareRate: round(mean(ratesOf('bare')), 0),
      ratio: median(pairRatios),
      pairRatios: pairRatios.map((r) => round(r, 3)),
      serviceCpuMs: cpuOf('service'),
      bareCpuMs: cpuOf('bare'),
      instances: targets.length,
      rounds,
      verified: rounds.every((r) => r.side === 'bare' || r.check?.ok === true),
      rssDispatcherMb: rss.dispatcher,
      rssBareMb: rss.bare,
      budget,
    };
  } finally {
    await Promise.all([sides.service.queue.close(), sides.bare.queue.close()]);
    await Promise.all([dispatcher.child.stop(), bare.child.stop(), sim.child.stop()]);
    await deleteKeys(ctx.redis, QUEUE_PREFIXES.dispatch);
    await deleteKeys(ctx.redis, QUEUE_PREFIXES.dispatchBaseline);
  }
}

async function measureRound(
  sim: RunningSim,
  side: Side,
  n: number,
  roundNo: number,
): Promise<{ rate: number; check?: LedgerCheck }> {
  await sim.clearMessages();
  const check = await side.run(n, roundNo);
  const messages = await sim.messages();
  if (messages.length !== n) throw new Error(`simulator received ${messages.length} messages, expected ${n}`);
  return { rate: steadyRate(messages.map((m) => m.receivedAt)), ...(check && { check }) };
}
