// POST /instance/create (global key only).
import { startQrSession } from '../connection.ts';
import { badRequest, forbidden, validationError } from '../errors.ts';
import type { SimWebhookConfig } from '../types.ts';
import { authorizeServer, serverFor, type EvoRequest, type SimContext } from './guard.ts';
import { qrView, SETTINGS } from './instance-views.ts';
import { isObject, validateBody, type ObjectSpec } from './validate.ts';

const INTEGRATIONS = ['WHATSAPP-BAILEYS', 'WHATSAPP-BUSINESS', 'EVOLUTION'];

const CREATE_BODY: ObjectSpec = {
  required: ['instanceName'],
  types: { instanceName: 'string', token: 'string', qrcode: 'boolean', number: 'string', integration: 'string' },
};

/** v2 nests the webhook (`{url, events, headers, …}`); v1 sends a URL string plus flat flags. */
function webhookFrom(body: Record<string, unknown>): SimWebhookConfig | undefined {
  const w = body.webhook;
  if (typeof w === 'string' && w) {
    return { url: w, events: body.events as string[] | undefined, byEvents: body.webhook_by_events === true };
  }
  if (!isObject(w) || typeof w.url !== 'string' || !w.url) return undefined;
  return {
    url: w.url,
    enabled: w.enabled !== false,
    events: Array.isArray(w.events) ? (w.events as string[]) : undefined,
    headers: isObject(w.headers) ? (w.headers as Record<string, string>) : undefined,
    byEvents: w.byEvents === true,
    base64: w.base64 === true,
  };
}

export function createInstance(ctx: SimContext, req: EvoRequest) {
  const server = serverFor(ctx.store, req);
  authorizeServer(server, req);
  const errors = validateBody(req.body, CREATE_BODY);
  if (errors.length > 0) throw validationError(errors);
  const body = req.body as Record<string, unknown>;
  const name = body.instanceName as string;
  const integration = (body.integration as string | undefined) ?? 'WHATSAPP-BAILEYS';
  if (server.version === 'v2' && !INTEGRATIONS.includes(integration)) throw badRequest('Invalid integration');
  if (server.instances.has(name)) throw forbidden(`This name "${name}" is already in use.`);

  const number = typeof body.number === 'string' && body.number ? body.number.replace(/\D/g, '') : undefined;
  const instance = ctx.store.addInstance(server.name, {
    name,
    state: 'close',
    token: typeof body.token === 'string' && body.token ? body.token : undefined,
    ownerNumber: number,
    webhook: webhookFrom(body),
    integration,
  });
  // Evolution only opens a session at creation when asked for a QR (or given a number to pair).
  const qr = body.qrcode === true || number ? qrView(startQrSession(ctx.store, instance, ctx.webhooks, number)) : undefined;

  if (server.version === 'v1') {
    return {
      instance: { instanceName: name, instanceId: instance.id, status: 'created' },
      hash: { apikey: instance.token },
      ...(qr && { qrcode: qr }),
    };
  }
  const w = instance.webhook;
  return {
    instance: {
      instanceName: name,
      instanceId: instance.id,
      integration,
      webhookWaBusiness: null,
      accessTokenWaBusiness: '',
      status: instance.state,
    },
    hash: instance.token,
    webhook: { webhookUrl: w?.url ?? '', webhookHeaders: w?.headers ?? {}, webhookByEvents: w?.byEvents ?? false, webhookBase64: w?.base64 ?? false },
    websocket: {},
    rabbitmq: {},
    nats: {},
    sqs: {},
    settings: SETTINGS,
    ...(qr && { qrcode: qr }),
  };
}
