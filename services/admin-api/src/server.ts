// Process entry: the only place that reads the environment, builds clients and listens.
import { loadAdminApiConfig } from '@bora/config';
import { createDb } from '@bora/db';
import { serve } from '@bora/http';
import { createLogger } from '@bora/logger';
import { createNotificationQueues, createRedis } from '@bora/queue';
import { buildApp } from './app.ts';

const config = loadAdminApiConfig(process.env);
const logger = createLogger({
  name: 'admin-api',
  level: config.logLevel,
  pretty: config.env === 'development' && process.stdout.isTTY,
});
const db = createDb(config.databaseUrl, { ...config.db, applicationName: 'admin-api' });
const redis = createRedis(config.redis, 'producer');
const queues = createNotificationQueues({
  connection: redis,
  prefix: config.queuePrefix,
  shards: config.queueShards,
  onError: (err) => logger.warn({ err }, 'queue connection error'),
});

// The Evolution health poll runs here, in the long-lived process (tests call it directly).
const app = await buildApp({ config, logger, db, redis, queues, healthPoll: true });
app.addHook('onClose', async () => {
  await queues.close();
  redis.disconnect();
  await db.close();
});
await serve({ app, port: config.port, host: config.host });
