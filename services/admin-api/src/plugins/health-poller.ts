import fp from 'fastify-plugin';
import { pollFleetHealth, type PollDeps } from '../lib/health-poll.ts';

/** Any constant works; it only has to be the same in every admin-api replica. */
const POLL_LOCK_ID = 727_100_010;

export interface HealthPollerOptions extends PollDeps {
  intervalMs: number;
}

/**
 * Runs `pollFleetHealth` every `intervalMs` once the app is ready, stopped on close. Rounds never
 * overlap in one process, and a Postgres advisory lock keeps replicas from polling the same fleet
 * at the same time (whoever holds it polls; the others skip that round).
 */
export const healthPollerPlugin = fp<HealthPollerOptions>(
  async (app, options) => {
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;

    async function round(): Promise<void> {
      const connection = await options.db.sql.reserve();
      try {
        const [lock] = await connection<{ locked: boolean }[]>`select pg_try_advisory_lock(${POLL_LOCK_ID}) as locked`;
        if (!lock?.locked) return;
        try {
          const report = await pollFleetHealth(options);
          if (report.instancesChanged > 0 || report.healthChanged > 0) {
            app.log.info({ instancesChanged: report.instancesChanged, healthChanged: report.healthChanged }, 'health poll applied changes');
          }
        } finally {
          await connection`select pg_advisory_unlock(${POLL_LOCK_ID})`;
        }
      } finally {
        connection.release();
      }
    }

    const tick = () => {
      if (running) return;
      running = round()
        .catch((err: unknown) => app.log.warn({ err }, 'health poll round failed'))
        .finally(() => {
          running = undefined;
        });
    };

    app.addHook('onReady', async () => {
      timer = setInterval(tick, options.intervalMs);
      timer.unref();
      tick();
    });
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await running;
    });
  },
  { name: 'health-poller' },
);
