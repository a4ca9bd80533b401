import type { BenchContext } from './context.ts';
import { runDispatch, type DispatchResult } from './dispatch.ts';
import { runE2e, type E2eResult } from './e2e.ts';
import { runIntake, type IntakeResult } from './intake.ts';
import { runRouting, type RoutingResult } from './routing.ts';
import { runSlots, type SlotsResult } from './slots.ts';
import { runStats, type StatsResult } from './stats.ts';

export const BENCHES = ['routing', 'intake', 'dispatch', 'e2e', 'stats', 'slots'] as const;
export type BenchName = (typeof BENCHES)[number];

export interface Results {
  routing?: RoutingResult;
  intake?: IntakeResult;
  dispatch?: DispatchResult;
  e2e?: E2eResult;
  stats?: StatsResult;
  slots?: SlotsResult;
}

export interface Outcome {
  results: Results;
  /** Benchmarks that could not finish, with why; their figures read n/a and missed. */
  errors: Partial<Record<BenchName, string>>;
  seconds: Partial<Record<BenchName, number>>;
}

/** Runs the selected benchmarks one after another; one failing does not stop the others. */
export async function runBenches(ctx: BenchContext, selected: readonly BenchName[]): Promise<Outcome> {
  const outcome: Outcome = { results: {}, errors: {}, seconds: {} };
  const runners: Record<BenchName, () => Promise<void>> = {
    routing: async () => {
      const r = ctx.settings.routing;
      outcome.results.routing = runRouting(r.sizes, r.callsPerSample, r.samples);
      for (const p of outcome.results.routing.points)
        ctx.log(`routing: ${String(p.instances).padStart(6)} instances  ${p.routeUs} µs/message`);
    },
    intake: async () => void (outcome.results.intake = await runIntake(ctx)),
    dispatch: async () => void (outcome.results.dispatch = await runDispatch(ctx)),
    e2e: async () => void (outcome.results.e2e = await runE2e(ctx)),
    stats: async () => void (outcome.results.stats = await runStats(ctx)),
    slots: async () => void (outcome.results.slots = await runSlots(ctx)),
  };
  for (const name of BENCHES) {
    if (!selected.includes(name)) continue;
    const started = performance.now();
    try {
      await runners[name]();
    } catch (error) {
      outcome.errors[name] = (error as Error).message;
      ctx.log(`${name}: FAILED: ${(error as Error).message}`);
    }
    outcome.seconds[name] = Math.round((performance.now() - started) / 100) / 10;
  }
  return outcome;
}
