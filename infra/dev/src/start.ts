// `pnpm start`: the whole system on local defaults — migrations, the demo fleet, the Evolution
// simulator and the three services — until Ctrl-C.
import { loadAdminApiConfig } from '@bora/config';
import { DEMO_TENANT } from './demo-fleet.ts';
import { startStack } from './stack.ts';
import { describeRedis, redisAnswers } from '@bora/queue';

const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };
const config = loadAdminApiConfig(env);
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);

if (!(await redisAnswers(config.redis))) {
  console.error(
    `Redis is not answering at ${describeRedis(config.redis)}.\nStart it (e.g. \`redis-server --daemonize yes\`) or set REDIS_URL (or REDIS_CLUSTER_NODES).`,
  );
  process.exit(1);
}

let stack: Awaited<ReturnType<typeof startStack>>;
try {
  stack = await startStack({
    env,
    ports: {
      booking: port('BOOKING_API_PORT', 3000),
      admin: port('ADMIN_API_PORT', 3001),
      dispatcher: port('DISPATCHER_PORT', 3003),
      sim: port('SIM_PORT', 3010),
    },
    echo: true,
  });
} catch (error) {
  const message = (error as Error).message;
  const hint = /ECONNREFUSED|connect|database/i.test(message)
    ? '\nIs PostgreSQL running on 127.0.0.1:5432? Start it or set DATABASE_URL.'
    : '';
  console.error(`Could not start Bora Agendar: ${message}${hint}`);
  process.exit(1);
}

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  await stack.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
for (const p of stack.processes) {
  void p.exited.then((code) => {
    if (!stopping) {
      console.error(`${p.name} exited with code ${code}; stopping everything`);
      void shutdown(1);
    }
  });
}

const { urls } = stack;
console.log(`
Bora Agendar is running (demo fleet: 4 Evolution APIs in the simulator).

  Mini-site (book here)    ${urls.booking}/${DEMO_TENANT.slug}
  Fleet page (admin)       ${urls.admin}/admin        token: ${config.adminToken}
  Queue dashboard          ${urls.admin}/admin/queues
  API docs                 ${urls.booking}/docs  ·  ${urls.admin}/docs
  Messages the simulator   ${urls.sim}/__sim/messages
  received
  Dispatcher metrics       ${urls.dispatcher}/metrics

Press Ctrl-C to stop.
`);
