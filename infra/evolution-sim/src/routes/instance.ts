// Instance lifecycle routes: create, connect (QR), connectionState, fetchInstances, restart, logout, delete.
import type { FastifyInstance } from 'fastify';
import { logoutInstance, startQrSession } from '../connection.ts';
import { badRequest, CONNECT_FAILURE, notFound } from '../errors.ts';
import type { InstanceRecord, SimStore } from '../store.ts';
import { authorizeServer, guardInstance, serverFor, type EvoRequest, type SimContext } from './guard.ts';
import { createInstance } from './instance-create.ts';
import { instanceRow, qrView, stateView } from './instance-views.ts';

/** Evolution's connectToWhatsapp: state when open, else the (new or current) QR. */
function connect(instance: InstanceRecord, ctx: SimContext, number?: string) {
  if (instance.faults.connectError) return CONNECT_FAILURE;
  if (instance.state === 'open') return stateView(instance);
  return qrView(startQrSession(ctx.store, instance, ctx.webhooks, number));
}

function fetchInstances(store: SimStore, req: EvoRequest) {
  const server = serverFor(store, req);
  const auth = authorizeServer(server, req, true);
  const name = req.query.instanceName;
  if (name !== undefined && !server.instances.has(name)) throw notFound(`Instance "${name}" not found`);
  // An instance token sees only its own row.
  const rows = auth === 'global' ? [...server.instances.values()] : [auth];
  const baseUrl = `${store.publicUrl}/${server.name}`;
  return rows.filter((i) => name === undefined || i.name === name).map((i) => instanceRow(i, baseUrl));
}

export function instanceRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { store, webhooks } = ctx;

  app.post('/instance/create', async (req: EvoRequest, reply) => reply.code(201).send(createInstance(ctx, req)));

  app.get('/instance/connect/:instance', async (req: EvoRequest) => connect(guardInstance(store, req), ctx, req.query.number));

  app.get('/instance/connectionState/:instance', async (req: EvoRequest) => stateView(guardInstance(store, req)));

  app.get('/instance/fetchInstances', async (req: EvoRequest) => fetchInstances(store, req));

  // v2 restarts with POST, v1 with PUT; the other method is an unknown route on each.
  app.route({
    method: ['POST', 'PUT'],
    url: '/instance/restart/:instance',
    handler: async (req: EvoRequest) => {
      const instance = guardInstance(store, req, 'PUT');
      // A closed instance makes Evolution throw inside its own try, hence the odd 200 body.
      if (instance.state === 'close') return CONNECT_FAILURE;
      return connect(instance, ctx);
    },
  });

  app.delete('/instance/logout/:instance', async (req: EvoRequest) => {
    const instance = guardInstance(store, req);
    if (instance.state === 'close') throw badRequest(`The "${instance.name}" instance is not connected`);
    logoutInstance(instance, webhooks);
    return { status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } };
  });

  app.delete('/instance/delete/:instance', async (req: EvoRequest) => {
    const instance = guardInstance(store, req);
    if (instance.state !== 'close') logoutInstance(instance, webhooks);
    instance.server.instances.delete(instance.name);
    return { status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } };
  });
}

