// Process entry: the only place that reads the environment, builds clients and listens.
import { loadDispatcherConfig } from '@bora/config';
import { createDb } from '@bora/db';
import { serve } from '@bora/http';
import { createServiceLogger } from '@bora/logger';
import { createRedis } from '@bora/queue';
import { buildApp } from './app.ts';
import { createDispatcher } from './dispatcher.ts';

const config = loadDispatcherConfig(process.env);
const logger = createServiceLogger('dispatcher', config);
const db = createDb(config.databaseUrl, {
  ...config.db,
  applicationName: 'dispatcher',
  max: Math.min(20, config.concurrency + 5),
});
const redis = createRedis(config.redis, 'commands');
const dispatcher = createDispatcher({ config, logger, db, redis });

const app = await buildApp({ config, logger, db, redis, metrics: dispatcher.registry });
// Shutdown order: stop the HTTP face, drain the worker (in-flight sends finish), then connections.
app.addHook('onClose', async () => {
  await dispatcher.close();
  redis.disconnect();
  await db.close();
});
await dispatcher.start();
await serve({ app, port: config.port, host: config.host, shutdownDeadlineMs: config.shutdownDeadlineMs });
