// Process entry: the only place that reads the environment, builds clients and listens.
import { loadDispatcherConfig } from '@bora/config';
import { createDb } from '@bora/db';
import { serve } from '@bora/http';
import { createLogger } from '@bora/logger';
import { createRedis } from '@bora/queue';
import { buildApp } from './app.ts';

const config = loadDispatcherConfig(process.env);
const logger = createLogger({ name: 'dispatcher', level: config.logLevel, pretty: config.env === 'development' && process.stdout.isTTY });
const db = createDb(config.databaseUrl, { applicationName: 'dispatcher' });
const redis = createRedis(config.redisUrl, 'worker');

const app = await buildApp({ config, logger, db, redis });
app.addHook('onClose', async () => {
  redis.disconnect();
  await db.close();
});
await serve({ app, port: config.port, host: config.host, shutdownDeadlineMs: config.shutdownDeadlineMs });
