// Instance lifecycle routes: create, connect (QR), connectionState, fetchInstances, restart, logout, delete.
import type { FastifyInstance } from 'fastify';
import { logoutInstance } from '../connection.ts';
import { badRequest } from '../errors.ts';
import type { InstanceRecord } from '../store.ts';
import { fetchInstances } from './fetch-instances.ts';
import { resolveInstance, type EvoRequest, type SimContext } from './guard.ts';
import { connect, restart, restartV1 } from './instance-connect.ts';
import { createInstance } from './instance-create.ts';
import { notHostedStateView, stateView } from './instance-views.ts';

const SUCCESS = (message: string) => ({ status: 'SUCCESS', error: false, response: { message } });

/** deleteInstance: a live session is logged out first, then the instance and its row are removed. */
function deleteHosted(ctx: SimContext, instance: InstanceRecord): void {
  if (instance.state !== 'close') logoutInstance(instance, ctx.webhooks);
  ctx.webhooks.emit(instance, 'INSTANCE_DELETE', { instanceName: instance.name, instanceId: instance.id });
  ctx.webhooks.emit(instance, 'REMOVE_INSTANCE', null);
  ctx.store.removeInstance(instance);
}

export function instanceRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { store, webhooks } = ctx;

  app.post('/instance/create', async (req: EvoRequest, reply) => reply.code(201).send(await createInstance(ctx, req)));

  app.get('/instance/connect/:instance', async (req: EvoRequest) =>
    connect(ctx, resolveInstance(store, req), req.query.number),
  );

  app.get('/instance/connectionState/:instance', async (req: EvoRequest) => {
    const { instance, hosted } = resolveInstance(store, req);
    return hosted ? stateView(instance) : notHostedStateView(instance.name);
  });

  app.get('/instance/fetchInstances', async (req: EvoRequest) => fetchInstances(store, req));

  // v2 restarts with POST, v1 with PUT; the other method is an unknown route on each.
  app.route({
    method: ['POST', 'PUT'],
    url: '/instance/restart/:instance',
    handler: async (req: EvoRequest) => {
      const resolved = resolveInstance(store, req, 'PUT');
      return resolved.instance.server.version === 'v1' ? restartV1(resolved.instance) : restart(ctx, resolved);
    },
  });

  app.delete('/instance/logout/:instance', async (req: EvoRequest) => {
    const { instance, hosted } = resolveInstance(store, req);
    // Not hosted: its state reads as undefined (not 'close') and the optional logout call does nothing.
    if (!hosted) return SUCCESS('Instance logged out');
    if (instance.state === 'close') throw badRequest(`The "${instance.name}" instance is not connected`);
    logoutInstance(instance, webhooks);
    return SUCCESS('Instance logged out');
  });

  app.delete('/instance/delete/:instance', async (req: EvoRequest) => {
    const { instance, hosted } = resolveInstance(store, req);
    if (hosted) {
      deleteHosted(ctx, instance);
    } else {
      // remove.instance cleans the database by name: the row another server still runs goes.
      instance.server.database.rows.delete(instance.name);
      instance.rowDeleted = true;
    }
    return SUCCESS('Instance deleted');
  });
}
