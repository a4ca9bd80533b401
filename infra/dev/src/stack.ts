import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAdminApiConfig } from '@bora/config';
import { migrateDatabase } from '@bora/db';
import { startProcess, stopAll, type Managed } from './processes.ts';
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
  processes: Managed[];
  stop(): Promise<void>;
}

async function waitReady(url: string, name: string, exited: Promise<unknown>, timeoutMs = 60_000): Promise<void> {
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !dead) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    dead
      ? `${name} exited during start-up (see its output above)`
      : `${name} not ready at ${url} after ${timeoutMs} ms`,
  );
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

  const processes: Managed[] = [];
  const stop = () => stopAll(processes);
  try {
    const sim = startProcess(
      'evolution-sim',
      'infra/evolution-sim/src/server.ts',
      { ...env, SIM_CONFIG: simConfigPath, SIM_HOST: '127.0.0.1' },
      3,
      options.echo,
    );
    processes.push(sim);
    await waitReady(`${urls.sim}/__sim/messages`, 'evolution-sim', sim.exited);
    const services: Array<[string, string, string]> = [
      ['booking-api', 'services/booking-api/src/server.ts', urls.booking],
      ['admin-api', 'services/admin-api/src/server.ts', urls.admin],
      ['dispatcher', 'services/dispatcher/src/server.ts', urls.dispatcher],
    ];
    for (const [i, [name, entry]] of services.entries())
      processes.push(startProcess(name, entry, env, i, options.echo));
    await Promise.all(services.map(([name, , url], i) => waitReady(`${url}/readyz`, name, processes[i + 1]!.exited)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls, processes, stop };
}
