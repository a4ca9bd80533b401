// `pnpm start`: migrate, then run every service on local defaults until Ctrl-C.
import { loadBookingApiConfig } from '@bora/config';
import { migrateDatabase } from '@bora/db';
import { startProcess, stopAll, type Managed } from './processes.ts';

const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };
const config = loadBookingApiConfig(env);

try {
  const result = await migrateDatabase(config.databaseUrl);
  console.log(`database "${result.database}" ${result.createdDatabase ? 'created and migrated' : 'up to date'}`);
} catch (error) {
  console.error(
    `Cannot prepare PostgreSQL at ${config.databaseUrl.replace(/\/\/[^@]*@/, '//')}: ${(error as Error).message}\n` +
      'Start PostgreSQL locally (127.0.0.1:5432) or set DATABASE_URL.',
  );
  process.exit(1);
}

const services: Array<[string, string]> = [
  ['booking-api', 'services/booking-api/src/server.ts'],
  ['admin-api', 'services/admin-api/src/server.ts'],
  ['dispatcher', 'services/dispatcher/src/server.ts'],
];
const running: Managed[] = services.map(([name, entry], i) => startProcess(name, entry, env, i));

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  await stopAll(running);
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
for (const p of running) {
  void p.exited.then((code) => {
    if (!stopping) {
      console.error(`${p.name} exited with code ${code}; stopping everything`);
      void shutdown(1);
    }
  });
}

const bookingPort = env.BOOKING_API_PORT ?? '3000';
const adminPort = env.ADMIN_API_PORT ?? '3001';
console.log(`
Bora Agendar is running:
  booking-api  http://127.0.0.1:${bookingPort}   (docs: /docs)
  admin-api    http://127.0.0.1:${adminPort}   (docs: /docs)
  dispatcher   http://127.0.0.1:${env.DISPATCHER_PORT ?? '3003'}/metrics
Press Ctrl-C to stop.
`);
