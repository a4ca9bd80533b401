import type { BenchName, Results } from './run.ts';

export interface Figure {
  name: string;
  bench: BenchName;
  value: number;
  unit: string;
  op: '>=' | '<' | '<=';
  target: number;
  digits: number;
  met: boolean;
}

function figure(
  bench: BenchName,
  name: string,
  value: number | undefined,
  unit: string,
  op: Figure['op'],
  target: number,
  digits: number,
  valid = true,
): Figure {
  const v = value ?? Number.NaN;
  const within = op === '>=' ? v >= target : op === '<' ? v < target : v <= target;
  return { name, bench, value: v, unit, op, target, digits, met: valid && Number.isFinite(v) && within };
}

/**
 * The headline figures and their targets. A ratio only counts when its service side did the whole
 * job (every booking answered 201 and enqueued; every message sent with its ledger rows), and
 * end-to-end latency only when every accepted booking's message arrived.
 */
export function figuresOf(r: Results): Figure[] {
  // Under overload a few enqueues outlast booking-api's 500 ms deadline (the jobs still land):
  // 95% of confirmations with their job at the end of a round shows Redis was up and used.
  const intakeValid =
    r.intake?.rounds.every(
      (x) => x.non2xx === 0 && x.errors === 0 && (x.side === 'bare' || (x.enqueuedShare ?? 0) >= 0.95),
    ) ?? false;
  const e2eValid = r.e2e !== undefined && r.e2e.delivered === r.e2e.bookings;
  return [
    figure('intake', 'intake-ratio', r.intake?.ratio, 'x', '>=', 0.8, 2, intakeValid),
    figure('dispatch', 'dispatch-ratio', r.dispatch?.ratio, 'x', '>=', 0.7, 2, r.dispatch?.verified ?? false),
    // The issue sets p99 < 250 ms; p50 gets half of it, so the median leaves room for the tail.
    figure('e2e', 'e2e-p50-ms', r.e2e?.p50Ms, 'ms', '<', 125, 0, e2eValid),
    figure('e2e', 'e2e-p99-ms', r.e2e?.p99Ms, 'ms', '<', 250, 0, e2eValid),
    figure('routing', 'route-us', r.routing?.points.at(-1)?.routeUs, 'us', '<', 20, 2),
    figure('stats', 'stats-ms', r.stats?.medianMs, 'ms', '<', 50, 1),
    // Issue 16: one day's free slots, 10 professionals, 2,000 bookings in the window; only if every slot answered was free.
    figure('slots', 'slots-ms', r.slots?.medianMs, 'ms', '<', 20, 1, r.slots?.verified ?? false),
    // A service on a small VM shares it with others: a quarter of 2 GiB each is the budget.
    figure('intake', 'rss-booking-mb', r.intake?.rssBookingMb, 'MB', '<=', 512, 0),
    figure('dispatch', 'rss-dispatcher-mb', r.dispatch?.rssDispatcherMb, 'MB', '<=', 512, 0),
    // With number safety on, a number sends what its budget allows (8/min) and never more.
    figure(
      'dispatch',
      'dispatch-budget-per-number',
      r.dispatch?.budget?.perNumberPerMinute,
      'msg/min',
      '<=',
      8,
      2,
      (r.dispatch?.budget?.verified ?? false) && (r.dispatch?.budget?.densestMinute ?? 99) <= 8,
    ),
  ];
}

export function formatValue(f: Figure): string {
  return Number.isFinite(f.value) ? f.value.toFixed(f.digits) : 'n/a';
}

/** `bench intake-ratio 0.83 x target >=0.8 met` */
export function figureLine(f: Figure): string {
  return `bench ${f.name} ${formatValue(f)} ${f.unit} target ${f.op}${f.target} ${f.met ? 'met' : 'missed'}`;
}
