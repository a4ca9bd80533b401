// Benchmark child process: the real booking-api and a bare INSERT endpoint side by side, over
// one database and Redis. Configured by one JSON argument (no environment), so the parent can
// measure both from outside this process's CPU budget.
import { loadBookingApiConfig } from '@bora/config';
import { createDb } from '@bora/db';
import { createLogger } from '@bora/logger';
import { createNotificationQueues, createRedis } from '@bora/queue';
import Fastify from 'fastify';
import { buildApp } from '../src/app.ts';

const { databaseUrl, redisUrl, queuePrefix, tenantId, realPort, barePort } = JSON.parse(process.argv[2] ?? '{}');
const logger = createLogger({ name: 'bench', level: 'warn' });

const config = loadBookingApiConfig({
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  QUEUE_PREFIX: queuePrefix,
  RATE_LIMIT_PER_MINUTE: '100000000',
  LOG_LEVEL: 'warn',
});
const db = createDb(databaseUrl, { applicationName: 'bench-real' });
const redis = createRedis(redisUrl, 'producer');
const queues = createNotificationQueues({ connection: redis, prefix: queuePrefix });
const real = await buildApp({ config, logger, db, redis, queues });
await real.listen({ port: realPort, host: '127.0.0.1' });

// The yardstick: parse JSON, one INSERT of the booking row, answer 201 with its id.
const bareDb = createDb(databaseUrl, { applicationName: 'bench-bare' });
const bare = Fastify({ logger: false, bodyLimit: 16 * 1024 });
bare.post('/bare/bookings', async (request, reply) => {
  const b = request.body as Record<string, string>;
  const [row] = await bareDb.sql`
    insert into bookings (tenant_id, customer_name, customer_phone, service, professional, starts_at, ends_at)
    values (${tenantId}::uuid, ${b.customerName!}, '5511987654321', ${b.service!}, ${b.professional!},
            ${b.startsAt!}::timestamptz, ${b.startsAt!}::timestamptz + interval '30 minutes')
    returning id`;
  return reply.status(201).send({ id: row?.id });
});
await bare.listen({ port: barePort, host: '127.0.0.1' });
process.stdout.write('ready\n');
// Exit normally on SIGTERM so `--cpu-prof` (BENCH_PROFILE) can write its profile.
process.on('SIGTERM', () => process.exit(0));
