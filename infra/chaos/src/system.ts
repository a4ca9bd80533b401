import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomToken } from '@bora/core';
import { migrateDatabase } from '@bora/db';
import { freePort } from '@bora/testing';
import { startNode, waitHttpOk, type Child } from '@bora/processes';
import { seedFleet, simulatorConfig, type FleetSpec, type SeededServer } from './seed-fleet.ts';

export interface SystemOptions {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  fleet: FleetSpec;
  /** Extra environment for every service (dispatcher tuning, log level…). */
  env?: Record<string, string>;
  /** Per-service overrides, applied last (e.g. booking-api on a Redis that is down). */
  bookingEnv?: Record<string, string>;
  dispatcherEnv?: Record<string, string>;
  dispatchers?: number;
  /** Simulator webhook options (ack delays, duplicates). */
  simWebhook?: Record<string, unknown>;
}

export interface System {
  urls: { booking: string; admin: string; sim: string };
  adminToken: string;
  secretKey: string;
  servers: SeededServer[];
  sim: Child;
  booking: Child;
  admin: Child;
  /** The dispatchers running now; `startDispatcher` adds one, a killed one stays until replaced. */
  dispatchers: Child[];
  /** Every process ever started here, dead or alive, for the log audit. */
  all: Child[];
  /** Starts a dispatcher in `slot` (a port each), with optional extra environment. */
  startDispatcher(slot?: number, env?: Record<string, string>): Promise<Child>;
  startBooking(env?: Record<string, string>): Promise<Child>;
  dispatcherUrl(slot: number): string;
  stop(): Promise<void>;
}

const SERVICES = {
  booking: 'services/booking-api/src/server.ts',
  admin: 'services/admin-api/src/server.ts',
  dispatcher: 'services/dispatcher/src/server.ts',
  sim: 'infra/evolution-sim/src/server.ts',
} as const;

/**
 * The whole system as real processes, like `pnpm start`, but with a fleet chosen by the scenario,
 * fresh secrets, any number of dispatchers, per-service environments, and every process killable
 * and restartable on its own.
 */
export async function startSystem(options: SystemOptions): Promise<System> {
  const ports = { booking: await freePort(), admin: await freePort(), sim: await freePort() };
  const urls = {
    booking: `http://127.0.0.1:${ports.booking}`,
    admin: `http://127.0.0.1:${ports.admin}`,
    sim: `http://127.0.0.1:${ports.sim}`,
  };
  const adminToken = `chaos-admin-${randomToken(18)}`;
  const secretKey = `chaos-secret-${randomToken(24)}`;
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: options.queuePrefix,
    ADMIN_TOKEN: adminToken,
    SECRET_KEY: secretKey,
    BOOKING_API_PORT: String(ports.booking),
    ADMIN_API_PORT: String(ports.admin),
    PUBLIC_URL: urls.admin,
    // One client (this test) makes all the traffic; the per-IP limit is not what is under test.
    RATE_LIMIT_PER_MINUTE: '1000000',
    // Unpaced unless a scenario is about pacing: a paced number sends one message every few
    // seconds, and 300 confirmations would take a quarter of an hour.
    PACING_MIN_INTERVAL_MS: '0',
    PACING_JITTER_MS: '0',
    // Budgets, warm-up and typing likewise (scenario 12 is about them): a number on its first day
    // may send 20 messages.
    NUMBER_SAFETY: 'false',
    ...options.env,
  };
  await migrateDatabase(options.databaseUrl);
  const servers = await seedFleet(options.databaseUrl, secretKey, urls.sim, options.fleet);
  const simConfigDir = mkdtempSync(join(tmpdir(), 'bora-chaos-sim-'));
  const simConfigPath = join(simConfigDir, 'fleet.json');
  writeFileSync(
    simConfigPath,
    JSON.stringify(simulatorConfig(servers, urls.admin, options.simWebhook ?? { ackDelaysMs: [200, 800, 2000] })),
  );

  const all: Child[] = [];
  const dispatcherPorts: number[] = [];
  const launch = (name: string, entry: string, env: NodeJS.ProcessEnv) => {
    const child = startNode(name, entry, { env });
    all.push(child);
    return child;
  };
  const sim = launch('evolution-sim', SERVICES.sim, {
    ...base,
    SIM_PORT: String(ports.sim),
    SIM_HOST: '127.0.0.1',
    SIM_CONFIG: simConfigPath,
  });
  const system: System = {
    urls,
    adminToken,
    secretKey,
    servers,
    sim,
    booking: sim,
    admin: sim,
    dispatchers: [],
    all,
    dispatcherUrl: (slot) => `http://127.0.0.1:${dispatcherPorts[slot]}`,
    async startDispatcher(slot = system.dispatchers.length, env = {}) {
      dispatcherPorts[slot] ??= await freePort();
      const child = launch(`dispatcher-${slot}`, SERVICES.dispatcher, {
        ...base,
        DISPATCHER_PORT: String(dispatcherPorts[slot]),
        ...options.dispatcherEnv,
        ...env,
      });
      system.dispatchers[slot] = child;
      await waitHttpOk(`${system.dispatcherUrl(slot)}/healthz`, child);
      return child;
    },
    async startBooking(env = {}) {
      const child = launch('booking-api', SERVICES.booking, { ...base, ...options.bookingEnv, ...env });
      system.booking = child;
      await waitHttpOk(`${urls.booking}/healthz`, child);
      return child;
    },
    async stop() {
      await Promise.all(all.map((c) => c.stop(10_000)));
      rmSync(simConfigDir, { recursive: true, force: true });
    },
  };
  try {
    await waitHttpOk(`${urls.sim}/__sim/messages`, sim);
    system.admin = launch('admin-api', SERVICES.admin, base);
    await Promise.all([
      waitHttpOk(`${urls.admin}/healthz`, system.admin),
      system.startBooking(),
      ...Array.from({ length: options.dispatchers ?? 1 }, (_, i) => system.startDispatcher(i)),
    ]);
  } catch (error) {
    await system.stop();
    throw error;
  }
  return system;
}
