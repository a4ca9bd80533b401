// Process entry: the only place that reads the environment, builds clients and listens.
import { loadBookingApiConfig } from '@bora/config';
import { createDb } from '@bora/db';
import { serve } from '@bora/http';
import { createServiceLogger } from '@bora/logger';
import { createProducer } from '@bora/queue';
import { buildApp } from './app.ts';

const config = loadBookingApiConfig(process.env);
const logger = createServiceLogger('booking-api', config);
const db = createDb(config.databaseUrl, { ...config.db, applicationName: 'booking-api' });
const producer = createProducer(config, (err) => logger.warn({ err }, 'queue connection error'));

const app = await buildApp({ config, logger, db, redis: producer.redis, queues: producer.queues });
// Closed after the server stops taking requests (onClose runs once intake has stopped).
app.addHook('onClose', async () => {
  await producer.close();
  await db.close();
});
await serve({ app, port: config.port, host: config.host });
