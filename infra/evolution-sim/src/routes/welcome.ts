// GET / (Evolution's welcome document) and POST /verify-creds (a key check that stays local).
import type { FastifyInstance } from 'fastify';
import { authorizeGlobal, routeNotFound, serverFor, type EvoRequest, type SimContext } from './guard.ts';

// What fetchLatestWaWebVersion reads from web.whatsapp.com (a recent client revision).
const WA_WEB_VERSION = '2.3000.1029190573';

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export function welcomeRoutes(app: FastifyInstance, { store }: SimContext): void {
  // Every call fetches web.whatsapp.com without a timeout: slow, and forever behind a dropping firewall.
  app.get('/', async (req: EvoRequest, reply) => {
    const server = serverFor(store, req);
    if (server.faults.welcomeHang) return reply.hijack();
    const ms = server.faults.welcomeLatencyMs ?? store.timing.welcomeMs;
    if (server.version === 'v2' && ms > 0) await wait(ms);
    return {
      status: 200,
      message: 'Welcome to the Evolution API, it is working!',
      version: server.version === 'v1' ? '1.8.2' : '2.3.6',
      clientName: server.clientName,
      manager: `${store.publicUrl}/${req.params.server}/manager`,
      documentation: 'https://doc.evolution-api.com',
      ...(server.version === 'v2' && { whatsappWebVersion: WA_WEB_VERSION }),
    };
  });

  // 2.3.x only: the global key or 401; the FACEBOOK_* fields are absent unless configured.
  app.post('/verify-creds', async (req: EvoRequest) => {
    const server = serverFor(store, req);
    if (server.version === 'v1') throw routeNotFound(store, req.method, req.url);
    authorizeGlobal(server, req);
    return { status: 200, message: 'Credentials are valid' };
  });
}
