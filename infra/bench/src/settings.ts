/**
 * How long and how hard each benchmark runs. `--quick` keeps the whole run under ~3 minutes.
 * Many short alternating rounds rather than a few long ones: on a shared machine others' load comes
 * in bursts, and the median of many back-to-back pair ratios shrugs off the pairs a burst hit.
 */
export interface BenchSettings {
  mode: 'quick' | 'full';
  intake: { connections: number; warmupSeconds: number; roundSeconds: number; pairs: number };
  dispatch: {
    servers: number;
    instancesPerServer: number;
    concurrency: number;
    messagesPerRound: number;
    warmupMessages: number;
    pairs: number;
    budgetMessagesPerNumber: number;
  };
  e2e: { ratePerSecond: number; warmupSeconds: number; seconds: number };
  routing: { sizes: number[]; callsPerSample: number; samples: number };
  stats: { servers: number; instancesPerServer: number; warmupCalls: number; calls: number };
  slots: { professionals: number; bookings: number; warmupCalls: number; calls: number };
}

export function benchSettings(quick: boolean): BenchSettings {
  return quick
    ? {
        mode: 'quick',
        intake: { connections: 50, warmupSeconds: 2, roundSeconds: 3, pairs: 4 },
        dispatch: {
          servers: 20,
          instancesPerServer: 20,
          concurrency: 50,
          messagesPerRound: 1_500,
          warmupMessages: 500,
          pairs: 4,
          budgetMessagesPerNumber: 24,
        },
        e2e: { ratePerSecond: 200, warmupSeconds: 2, seconds: 10 },
        routing: { sizes: [80, 800, 4_000, 20_000], callsPerSample: 20_000, samples: 5 },
        stats: { servers: 1_000, instancesPerServer: 20, warmupCalls: 5, calls: 30 },
        slots: { professionals: 10, bookings: 2_000, warmupCalls: 20, calls: 100 },
      }
    : {
        mode: 'full',
        intake: { connections: 50, warmupSeconds: 5, roundSeconds: 5, pairs: 8 },
        dispatch: {
          servers: 20,
          instancesPerServer: 20,
          concurrency: 50,
          messagesPerRound: 3_000,
          warmupMessages: 1_000,
          pairs: 8,
          budgetMessagesPerNumber: 30,
        },
        e2e: { ratePerSecond: 200, warmupSeconds: 5, seconds: 30 },
        routing: { sizes: [80, 400, 2_000, 4_000, 10_000, 20_000], callsPerSample: 100_000, samples: 7 },
        stats: { servers: 1_000, instancesPerServer: 20, warmupCalls: 20, calls: 200 },
        slots: { professionals: 10, bookings: 2_000, warmupCalls: 50, calls: 300 },
      };
}
