import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** `queueCounts` feeds the queue-depth gauge at scrape time (no polling in between). */
export function createDispatcherMetrics(registry: Registry, queueCounts?: () => Promise<Record<string, number>>) {
  return {
    sent: new Counter({
      name: 'dispatcher_messages_sent_total',
      help: 'Messages accepted by an Evolution server',
      labelNames: ['server'],
      registers: [registry],
    }),
    failed: new Counter({
      name: 'dispatcher_messages_failed_total',
      help: 'Notifications that ended failed (dead letter)',
      labelNames: ['server', 'code'],
      registers: [registry],
    }),
    retried: new Counter({
      name: 'dispatcher_messages_retried_total',
      help: 'Attempts that ended in a scheduled retry',
      labelNames: ['server'],
      registers: [registry],
    }),
    sendErrors: new Counter({
      name: 'dispatcher_send_errors_total',
      help: 'Failed HTTP sends by server and error code',
      labelNames: ['server', 'code'],
      registers: [registry],
    }),
    unconfirmed: new Counter({
      name: 'dispatcher_messages_unconfirmed_total',
      help: 'Sends whose outcome was unknown (request written, no readable answer): held for reconciliation',
      labelNames: ['server', 'code'],
      registers: [registry],
    }),
    reconciled: new Counter({
      name: 'dispatcher_unconfirmed_settled_total',
      help: 'Unconfirmed sends settled by the reconciler: found on the server, or sent again (each resend after no evidence a possible duplicate)',
      labelNames: ['how'],
      registers: [registry],
    }),
    retired: new Counter({
      name: 'dispatcher_messages_retired_total',
      help: 'Rows the claim retired instead of sending: their booking was cancelled, or their appointment started',
      labelNames: ['reason'],
      registers: [registry],
    }),
    serverBusy: new Counter({
      name: 'dispatcher_server_busy_total',
      help: 'Messages that waited a moment because their server already had SERVER_MAX_IN_FLIGHT sends out',
      labelNames: ['server'],
      registers: [registry],
    }),
    senderWaits: new Counter({
      name: 'dispatcher_sender_waits_total',
      help: 'Passes that found no sender able to try (no attempt spent)',
      registers: [registry],
    }),
    revived: new Counter({
      name: 'dispatcher_revived_total',
      help: 'Dead letters put back in line once a sender came back',
      registers: [registry],
    }),
    paced: new Counter({
      name: 'dispatcher_paced_total',
      help: 'Jobs delayed to their sender’s next slot (pacing, budget, warm-up, reach-out lock); promised=false: too far to promise, asked again then',
      labelNames: ['promised'],
      registers: [registry],
    }),
    leaseRecoveries: new Counter({
      name: 'dispatcher_lease_recoveries_total',
      help: 'Rows found stuck in sending past their lease (each a possible duplicate send)',
      registers: [registry],
    }),
    swept: new Counter({
      name: 'dispatcher_swept_total',
      help: 'Due rows re-enqueued by the sweeper',
      registers: [registry],
    }),
    circuitTransitions: new Counter({
      name: 'dispatcher_circuit_transitions_total',
      help: 'Circuit opens and closes by server',
      labelNames: ['server', 'to'],
      registers: [registry],
    }),
    sendLatency: new Histogram({
      name: 'dispatcher_send_duration_seconds',
      help: 'Evolution sendText latency',
      labelNames: ['server'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'dispatcher_queue_depth',
      help: 'Notification jobs by state',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        if (!queueCounts) return;
        const counts = await queueCounts().catch(() => ({}) as Record<string, number>);
        for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
      },
    }),
  };
}

export type DispatcherMetrics = ReturnType<typeof createDispatcherMetrics>;
