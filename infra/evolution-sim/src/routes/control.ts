// `/__sim/...`: the SimControl surface over HTTP (no apikey), for tools in other processes.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { SimControl } from '../types.ts';
import * as S from './control-schemas.ts';

const ok = { ok: true } as const;
const errors = { 400: S.ControlError, 404: S.ControlError, 409: S.ControlError };

export function controlRoutes(root: FastifyInstance, control: SimControl): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const mutation = { response: { 200: S.Ok, 201: S.Ok, ...errors } };

  app.get(
    '/messages',
    {
      schema: {
        querystring: Type.Object({ server: Type.Optional(Type.String()), instance: Type.Optional(Type.String()) }),
        response: { 200: Type.Array(S.Message) },
      },
    },
    async (req) => control.messages(req.query),
  );
  app.delete('/messages', { schema: mutation }, async () => (control.clearMessages(), ok));

  app.post('/servers', { schema: { body: S.ServerOptions, ...mutation } }, async (req, reply) => {
    control.addServer(req.body);
    return reply.code(201).send(ok);
  });
  app.post(
    '/servers/:server/instances',
    { schema: { params: S.ServerParams, body: S.InstanceOptions, ...mutation } },
    async (req, reply) => {
      control.addInstance(req.params.server, req.body);
      return reply.code(201).send(ok);
    },
  );
  app.post(
    '/servers/:server/instances/:instance/state',
    {
      schema: {
        params: S.InstanceParams,
        body: Type.Object({ state: Type.Union([S.State, Type.Literal('refused')]) }),
        ...mutation,
      },
    },
    async (req) => (control.setInstanceState(req.params.server, req.params.instance, req.body.state), ok),
  );
  app.post(
    '/servers/:server/faults',
    { schema: { params: S.ServerParams, body: S.ServerFaultsBody, ...mutation } },
    async (req) => {
      control.setServerFaults(req.params.server, req.body);
      return ok;
    },
  );
  app.post(
    '/servers/:server/instances/:instance/faults',
    { schema: { params: S.InstanceParams, body: S.InstanceFaultsBody, ...mutation } },
    async (req) => (control.setInstanceFaults(req.params.server, req.params.instance, req.body), ok),
  );
  app.post(
    '/unregistered',
    { schema: { body: Type.Object({ numbers: Type.Array(Type.String()) }), ...mutation } },
    async (req) => {
      control.markUnregistered(req.body.numbers);
      return ok;
    },
  );
  app.post('/webhook-options', { schema: { body: S.WebhookOptionsBody, ...mutation } }, async (req) => {
    control.setWebhookOptions(req.body as Parameters<SimControl['setWebhookOptions']>[0]);
    return ok;
  });
  app.get('/webhooks', { schema: { response: { 200: Type.Array(S.Delivery) } } }, async () =>
    control.webhookDeliveries(),
  );
  app.post('/reset', { schema: mutation }, async () => (control.reset(), ok));

  app.post(
    '/servers/:server/instances/:instance/inbound',
    { schema: { params: S.InstanceParams, body: S.InboundBody, response: { 201: S.InboundResult, ...errors } } },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          control.inbound(req.params.server, req.params.instance, req.body as Parameters<SimControl['inbound']>[2]),
        ),
  );
  app.post(
    '/servers/:server/instances/:instance/connection-updates',
    { schema: { params: S.InstanceParams, body: S.FloodBody, ...mutation } },
    async (req) => (
      control.emitConnectionUpdates(req.params.server, req.params.instance, req.body.count, req.body.state),
      ok
    ),
  );
  app.post(
    '/servers/:server/instances/:instance/unlink',
    { schema: { params: S.InstanceParams, ...mutation } },
    async (req) => (control.unlinkFromPhone(req.params.server, req.params.instance), ok),
  );
  app.post(
    '/servers/:server/instances/:instance/created-at',
    { schema: { params: S.InstanceParams, body: S.CreatedAtBody, ...mutation } },
    async (req) => (control.setInstanceCreatedAt(req.params.server, req.params.instance, req.body.createdAt), ok),
  );
  app.get(
    '/databases/:database/is-on-whatsapp',
    { schema: { params: S.DatabaseParams, response: { 200: Type.Array(S.CacheEntry), ...errors } } },
    async (req) => control.onWhatsappCache(req.params.database),
  );
  app.post(
    '/databases/:database/is-on-whatsapp',
    { schema: { params: S.DatabaseParams, body: Type.Object({ numbers: Type.Array(Type.String()) }), ...mutation } },
    async (req) => (control.cacheNumbers(req.params.database, req.body.numbers), ok),
  );
}
