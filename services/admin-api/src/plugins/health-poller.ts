import fp from 'fastify-plugin';
import { pollFleetHealth, type PollDeps } from '../lib/health-poll.ts';
import { runPeriodically } from './periodic.ts';

export interface HealthPollerOptions extends PollDeps {
  intervalMs: number;
}

/** Runs `pollFleetHealth` every `intervalMs` (one replica at a time). */
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
          app.log.info({ instancesChanged: report.instancesChanged, healthChanged: report.healthChanged }, 'health poll applied changes');
        }
      },
    });
  },
  { name: 'health-poller' },
);
