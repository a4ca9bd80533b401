import fp from 'fastify-plugin';
import { pollFleetHealth, type PollDeps } from './health-poll.ts';
import type { RelinkAlerts } from '../relink/alert.ts';
import { runPeriodically } from '../periodic.ts';

export interface HealthPollerOptions extends PollDeps {
  intervalMs: number;
  /** After each round: re-link cases for business numbers down too long, closed for those back. */
  relink?: RelinkAlerts;
}

/** Runs `pollFleetHealth` every `intervalMs` (one replica at a time), then the re-link sweep. */
export const healthPollerPlugin = fp<HealthPollerOptions>(
  async (app, options) => {
    runPeriodically(app, {
      name: 'health poll',
      lockId: 727_100_010,
      intervalMs: options.intervalMs,
      sql: options.db.sql,
      async round() {
        const report = await pollFleetHealth(options);
        if (report.instancesChanged > 0 || report.healthChanged > 0) {
          app.log.info(
            { instancesChanged: report.instancesChanged, healthChanged: report.healthChanged },
            'health poll applied changes',
          );
        }
        const relinked = await options.relink?.sweep();
        if (relinked && (relinked.opened > 0 || relinked.resolved > 0))
          app.log.info(relinked, 're-link cases opened or closed');
      },
    });
  },
  { name: 'health-poller' },
);
