// Process entry: the only place that reads the environment, builds clients and listens.
import { loadAdminApiConfig } from '@bora/config';
import { createDb } from '@bora/db';
import { serve } from '@bora/http';
import { createServiceLogger } from '@bora/logger';
import { createProducer } from '@bora/queue';
import { buildApp } from './app.ts';

const config = loadAdminApiConfig(process.env);
const logger = createServiceLogger('admin-api', config);
const db = createDb(config.databaseUrl, { ...config.db, applicationName: 'admin-api' });
const producer = createProducer(config, (err) => logger.warn({ err }, 'queue connection error'));

// The Evolution health poll runs here, in the long-lived process (tests call it directly).
const app = await buildApp({ config, logger, db, redis: producer.redis, queues: producer.queues, healthPoll: true });
app.addHook('onClose', async () => {
  await producer.close();
  await db.close();
});
await serve({ app, port: config.port, host: config.host });
