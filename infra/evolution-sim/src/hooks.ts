// Process-wide behaviour: Express-like body parsing, server and instance faults, Evolution's 404 and error bodies.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { envelope, EvoError, SimControlError } from './errors.ts';
import { routeNotFound } from './routes/guard.ts';
import type { SimStore } from './store.ts';
import type { ServerFaults } from './types.ts';

function serverOf(store: SimStore, url: string) {
  const end = url.indexOf('/', 1);
  const name = end === -1 ? url.slice(1).split('?')[0]! : url.slice(1, end);
  return store.servers.get(name);
}

type Done = (err?: Error) => void;

const MALFORMED_JSON = 'SIM_MALFORMED_JSON';
type RequestFaults = Partial<Pick<ServerFaults, 'errorRate' | 'errorStatus' | 'latencyMs' | 'hang' | 'reset'>>;

/** After `latencyMs`: drop the socket, hang, answer `errorStatus` at `errorRate`, or go on. */
function actOn(f: RequestFaults, req: FastifyRequest, reply: FastifyReply, done: Done): void {
  const apply = () => {
    // Never calling done() leaves the request open: the socket dies on close (forceCloseConnections).
    if (f.reset) return void req.raw.socket.destroy();
    if (f.hang) return;
    const status = f.errorStatus ?? 500;
    if (f.errorRate && Math.random() < f.errorRate)
      return void reply.code(status).send(envelope(status, STATUS_CODES[status] ?? 'Error'));
    done();
  };
  if (f.latencyMs) setTimeout(apply, f.latencyMs);
  else apply();
}

/** Faults apply to every request of a faulty server, before routing, like a sick host or proxy. */
function faultHook(store: SimStore) {
  return (req: FastifyRequest, reply: FastifyReply, done: Done) => {
    const server = serverOf(store, req.url);
    if (!server?.faulty) return done();
    actOn(server.faults, req, reply, done);
  };
}

/** Faults of one instance act once routing has named it: a sick number on a healthy host. */
function instanceFaultHook(store: SimStore) {
  return (req: FastifyRequest, reply: FastifyReply, done: Done) => {
    const name = (req.params as { instance?: string } | undefined)?.instance;
    const f = name === undefined ? undefined : serverOf(store, req.url)?.instances.get(name)?.faults;
    if (!f || !(f.errorRate || f.latencyMs || f.hang)) return done();
    actOn(f, req, reply, done);
  };
}

export function registerSimHooks(app: FastifyInstance, store: SimStore): void {
  // Evolution (Express) reads an empty JSON body as `{}` instead of rejecting it.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    if (body === '') return done(null, {});
    try {
      done(null, JSON.parse(body as string));
    } catch (err) {
      (err as FastifyError).statusCode = 400;
      (err as FastifyError).code = MALFORMED_JSON;
      done(err as Error, undefined);
    }
  });

  app.addHook('onRequest', faultHook(store));
  app.addHook('preHandler', instanceFaultHook(store));

  app.setNotFoundHandler((req, reply) => {
    const err = routeNotFound(store, req.method, req.url);
    reply.code(err.status).send(err.body);
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    if (error instanceof EvoError) return reply.code(error.status).send(error.body);
    if (error instanceof SimControlError) {
      return reply.code(error.statusCode).send({ error: { code: error.code, message: error.message } });
    }
    // body-parser's error carries status 400 but no `error` name: Express's handler fills in the default.
    if (error.code === MALFORMED_JSON)
      return reply.code(400).send(envelope(400, error.message, 'Internal Server Error'));
    if (error.validation) return reply.code(400).send({ error: { code: 'VALIDATION_FAILED', message: error.message } });
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) req.log.error({ err: error }, 'simulator error');
    return reply.code(status).send(envelope(status, error.message));
  });
}
