// Process entry: the only place that reads the environment, builds clients and listens.
import { loadBookingApiConfig } from '@bora/config';
import { createDb } from '@bora/db';
import { serve } from '@bora/http';
import { createLogger } from '@bora/logger';
import { createNotificationQueues, createRedis } from '@bora/queue';
import { buildApp } from './app.ts';

const config = loadBookingApiConfig(process.env);
const logger = createLogger({
  name: 'booking-api',
  level: config.logLevel,
  pretty: config.env === 'development' && process.stdout.isTTY,
});
const db = createDb(config.databaseUrl, { ...config.db, applicationName: 'booking-api' });
const redis = createRedis(config.redis, 'producer');
const queues = createNotificationQueues({
  connection: redis,
  prefix: config.queuePrefix,
  shards: config.queueShards,
  onError: (err) => logger.warn({ err }, 'queue connection error'),
});

const app = await buildApp({ config, logger, db, redis, queues });
// Closed after the server stops taking requests (onClose runs once intake has stopped).
app.addHook('onClose', async () => {
  await queues.close();
  redis.disconnect();
  await db.close();
});
await serve({ app, port: config.port, host: config.host });
