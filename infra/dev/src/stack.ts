import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAdminApiConfig } from '@bora/config';
import { migrateDatabase } from '@bora/db';
import { startNode, stopAll, waitHttpOk, type Child } from '@bora/processes';
import { seedDemo, simulatorConfig } from './seed-demo.ts';

export interface StackPorts {
  booking: number;
  admin: number;
  dispatcher: number;
  sim: number;
}

export interface StackOptions {
  env: NodeJS.ProcessEnv;
  ports: StackPorts;
  /** Forward the children's output (prefixed) to this process's stdout/stderr. */
  echo?: boolean;
}

export interface Stack {
  urls: { booking: string; admin: string; dispatcher: string; sim: string };
  processes: Child[];
  stop(): Promise<void>;
}

const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];

/** A service as a child process; with `echo`, its lines are printed here behind a coloured name, like a tiny foreman. */
function launch(name: string, entry: string, env: NodeJS.ProcessEnv, index: number, echo = true): Child {
  const tag = `${COLORS[index % COLORS.length]}${name.padEnd(14)}\x1b[0m│ `;
  // The last lines stay in memory for tests and crash reports.
  return startNode(name, entry, { env, output: echo ? { echo: tag } : 'memory', maxLines: 500, keepLast: true });
}

/**
 * The whole system as real processes: migrations, the demo fleet in Postgres and in the
 * Evolution simulator, then booking-api, admin-api and dispatcher. Used by `pnpm start` and by the
 * end-to-end test (on free ports and its own database).
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { ports } = options;
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const urls = {
    booking: local(ports.booking),
    admin: local(ports.admin),
    dispatcher: local(ports.dispatcher),
    sim: local(ports.sim),
  };
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    BOOKING_API_PORT: String(ports.booking),
    ADMIN_API_PORT: String(ports.admin),
    DISPATCHER_PORT: String(ports.dispatcher),
    SIM_PORT: String(ports.sim),
    PUBLIC_URL: options.env.PUBLIC_URL ?? urls.admin,
    // The links in messages open this stack's mini-site.
    BOOKING_PUBLIC_URL: options.env.BOOKING_PUBLIC_URL ?? urls.booking,
  };
  const config = loadAdminApiConfig(env);
  await migrateDatabase(config.databaseUrl);
  const servers = await seedDemo(config.databaseUrl, config.secretKey, urls.sim);
  const simConfigPath = join(mkdtempSync(join(tmpdir(), 'bora-sim-')), 'demo-fleet.json');
  writeFileSync(simConfigPath, JSON.stringify(simulatorConfig(servers, config.publicUrl), null, 2));

  const processes: Child[] = [];
  const stop = () => stopAll(processes);
  try {
    const sim = launch(
      'evolution-sim',
      'infra/evolution-sim/src/server.ts',
      { ...env, SIM_CONFIG: simConfigPath, SIM_HOST: '127.0.0.1' },
      3,
      options.echo,
    );
    processes.push(sim);
    await waitHttpOk(`${urls.sim}/__sim/messages`, sim);
    const services: Array<[string, string, string]> = [
      ['booking-api', 'services/booking-api/src/server.ts', urls.booking],
      ['admin-api', 'services/admin-api/src/server.ts', urls.admin],
      ['dispatcher', 'services/dispatcher/src/server.ts', urls.dispatcher],
    ];
    for (const [i, [name, entry]] of services.entries()) processes.push(launch(name, entry, env, i, options.echo));
    await Promise.all(services.map(([, , url], i) => waitHttpOk(`${url}/readyz`, processes[i + 1]!)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls, processes, stop };
}
