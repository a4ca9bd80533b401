// buildSimulator: one Fastify app hosting many virtual Evolution servers under `/{server}/...`.
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { createControl } from './control.ts';
import { registerSimHooks } from './hooks.ts';
import { controlRoutes } from './routes/control.ts';
import type { SimContext } from './context.ts';
import { findMessagesRoutes } from './routes/find-messages.ts';
import { instanceRoutes } from './routes/instance.ts';
import { sendTextRoutes } from './routes/send-text.ts';
import { webhookRoutes } from './routes/webhook-set.ts';
import { welcomeRoutes } from './routes/welcome.ts';
import { whatsappNumbersRoutes } from './routes/whatsapp-numbers.ts';
import { SimStore } from './store.ts';
import type { Simulator, SimulatorOptions } from './types.ts';
import { WebhookEmitter } from './webhooks.ts';

const REDACT = ['req.headers.apikey', 'apikey', '*.apikey', 'apiKey', '*.apiKey', 'token', '*.token'];

function isLoggerInstance(value: object): value is NonNullable<FastifyServerOptions['loggerInstance']> {
  return (
    typeof (value as { child?: unknown }).child === 'function' &&
    typeof (value as { info?: unknown }).info === 'function'
  );
}

function loggerOptions(logger: SimulatorOptions['logger']): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  if (!logger) return { logger: false };
  if (logger === true) return { logger: { level: 'info', redact: REDACT } };
  if (isLoggerInstance(logger)) return { loggerInstance: logger };
  return { logger: { redact: REDACT, ...(logger as object) } };
}

/**
 * The whole simulator as a Fastify app, not listening. Evolution routes carry no TypeBox schemas on
 * purpose: their validation messages must be Evolution's own (jsonschema's), produced in `validate.ts`.
 */
export async function buildSimulator(options: SimulatorOptions): Promise<Simulator> {
  const app: FastifyInstance = Fastify({
    ...loggerOptions(options.logger),
    // The benchmark sends thousands of requests per second: no per-request info lines.
    logController: new LogController({ disableRequestLogging: true }),
    // Hung and delayed requests must not hold close() forever.
    forceCloseConnections: true,
    bodyLimit: 10 * 1024 * 1024,
  });
  const store = new SimStore(options);
  const webhooks = new WebhookEmitter(store, app.log);
  const ctx: SimContext = { store, webhooks };
  const control = createControl(ctx);
  for (const server of options.servers ?? []) control.addServer(server);

  registerSimHooks(app, store);
  app.addHook('onClose', async () => {
    store.closed = true;
    for (const timer of store.timers) clearTimeout(timer);
    store.timers.clear();
  });
  // Lets startSimulator tell the webhooks which public URL to put in `server_url`.
  app.decorate('simStore', store);

  await app.register(async (sim) => controlRoutes(sim, control), { prefix: '/__sim' });
  await app.register(
    async (evo) => {
      welcomeRoutes(evo, ctx);
      sendTextRoutes(evo, ctx);
      instanceRoutes(evo, ctx);
      webhookRoutes(evo, ctx);
      whatsappNumbersRoutes(evo, ctx);
      findMessagesRoutes(evo, ctx);
    },
    { prefix: '/:server' },
  );
  return { app, control };
}

declare module 'fastify' {
  interface FastifyInstance {
    simStore: SimStore;
  }
}
