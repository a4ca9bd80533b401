// Process entry: `pnpm --filter ./infra/evolution-sim start`. Reads the environment and listens.
import { createLogger } from '@bora/logger';
import { loadSimulatorOptions } from './options.ts';
import { startSimulator } from './start.ts';

const options = loadSimulatorOptions(process.env);
const logger = createLogger({
  name: 'evolution-sim',
  level: process.env.LOG_LEVEL ?? 'info',
  pretty: process.stdout.isTTY,
});
const sim = await startSimulator({ ...options, logger });
logger.info(
  {
    url: sim.url,
    servers: (options.servers ?? []).map((s) => ({
      name: s.name,
      url: sim.serverUrl(s.name),
      instances: s.instances?.length ?? 0,
    })),
  },
  'evolution simulator listening',
);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    // Bounded: a stuck webhook target or hung request must not keep the process alive.
    setTimeout(() => process.exit(1), 5_000).unref();
    void sim.close().then(() => process.exit(0));
  });
}
