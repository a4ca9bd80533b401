// buildSimulator: one Fastify app hosting many virtual Evolution servers under `/{server}/...`.
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { createControl } from './control.ts';
import { registerSimHooks } from './hooks.ts';
import { controlRoutes } from './routes/control.ts';
import type { EvoRequest, SimContext } from './routes/guard.ts';
import { serverFor } from './routes/guard.ts';
import { instanceRoutes } from './routes/instance.ts';
import { sendTextRoutes } from './routes/send-text.ts';
import { webhookChatRoutes } from './routes/webhook-chat.ts';
import { SimStore } from './store.ts';
import type { Simulator, SimulatorOptions } from './types.ts';
import { WebhookEmitter } from './webhooks.ts';

const REDACT = ['req.headers.apikey', 'apikey', '*.apikey', 'apiKey', '*.apiKey', 'token', '*.token'];

function isLoggerInstance(value: object): value is NonNullable<FastifyServerOptions['loggerInstance']> {
  return typeof (value as { child?: unknown }).child === 'function' && typeof (value as { info?: unknown }).info === 'function';
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
  const store = new SimStore(options.webhook, options.qr);
  const webhooks = new WebhookEmitter(store, app.log);
  const control = createControl(store, webhooks);
  for (const server of options.servers ?? []) control.addServer(server);
  const ctx: SimContext = { store, webhooks };

  registerSimHooks(app, store);
  app.addHook('onClose', async () => {
    store.closed = true;
    for (const timer of store.qrTimers) clearTimeout(timer);
    store.qrTimers.clear();
  });
  // Lets startSimulator tell the webhooks which public URL to put in `server_url`.
  app.decorate('simStore', store);

  await app.register(async (sim) => controlRoutes(sim, control), { prefix: '/__sim' });
  await app.register(
    async (evo) => {
      // Evolution's welcome document: what a URL/key check probes first.
      const welcome = async (req: EvoRequest) => {
        const server = serverFor(store, req);
        return {
          status: 200,
          message: 'Welcome to the Evolution API, it is working!',
          version: server.version === 'v1' ? '1.8.2' : '2.3.6',
          clientName: 'evolution_exchange',
          manager: `${store.publicUrl}/${req.params.server}/manager`,
          documentation: 'https://doc.evolution-api.com',
        };
      };
      evo.get('/', welcome);
      sendTextRoutes(evo, ctx);
      instanceRoutes(evo, ctx);
      webhookChatRoutes(evo, ctx);
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
