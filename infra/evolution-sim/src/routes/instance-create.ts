// POST /instance/create, in Evolution's order: name-in-use guard, apikey, validation, controller.
import type { SimContext } from '../context.ts';
import { badRequest, forbidden, validationError } from '../errors.ts';
import { qrView, startSession } from '../session.ts';
import type { InstanceRecord, ServerRecord } from '../store.ts';
import type { SimInstanceSettings, SimWebhookConfig } from '../types.ts';
import { CONFIG_EVENTS, storedTarget } from '../webhook-target.ts';
import { authorizeGlobal, serverFor, type EvoRequest } from './guard.ts';
import { settingsOf } from './instance-views.ts';
import { isObject, validateBody, type ObjectSpec } from './validate.ts';

const INTEGRATIONS = ['WHATSAPP-BAILEYS', 'WHATSAPP-BUSINESS', 'EVOLUTION'];
const SETTING_FLAGS = [
  'rejectCall',
  'groupsIgnore',
  'alwaysOnline',
  'readMessages',
  'readStatus',
  'syncFullHistory',
] as const;

// instanceSchema: nothing is required, and `integration` is not checked (its enum is keyed `Integration`).
const CREATE_BODY: ObjectSpec = {
  types: {
    instanceName: 'string',
    token: 'string',
    qrcode: 'boolean',
    number: 'string',
    ...Object.fromEntries(SETTING_FLAGS.map((f) => [f, 'boolean'])),
  },
};
const CREATE_BODY_V1: ObjectSpec = { ...CREATE_BODY, required: ['instanceName'] };

const wait = (ms: number) =>
  ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms).unref()) : Promise.resolve();

/** A name taken in memory or in the database (a row any server of it wrote) → 403, before the key is read. */
function assertNameFree(server: ServerRecord, name: unknown): void {
  // With no name, Prisma's `where: {name: undefined}` matches every row.
  const taken =
    name === undefined
      ? server.database.rows.size > 0
      : server.instances.has(String(name)) || server.database.rows.has(String(name));
  if (taken) throw forbidden(`This name "${String(name)}" is already in use.`);
}

/**
 * eventManager.setInstance: a webhook object is stored enabled whatever it says, its events as given
 * (unknown names included; [] = all). Without an `events` array it throws reading `.length`.
 */
function webhookOf(w: unknown): SimWebhookConfig | undefined {
  if (!w) return undefined;
  const o = isObject(w) ? w : {};
  if (!Array.isArray(o.events)) throw new TypeError("Cannot read properties of undefined (reading 'length')");
  return {
    url: typeof o.url === 'string' ? o.url : '',
    enabled: true,
    events: o.events.length === 0 ? [...CONFIG_EVENTS] : (o.events as string[]),
    headers: isObject(o.headers) ? (o.headers as Record<string, string>) : undefined,
    byEvents: o.byEvents === true,
    base64: o.base64 === true,
  };
}

function settingsFrom(body: Record<string, unknown>): Required<SimInstanceSettings> {
  return { groupsIgnore: body.groupsIgnore === true, readStatus: body.readStatus === true };
}

/** v1 nests nothing: a webhook URL string plus flat flags. */
function createV1(ctx: SimContext, server: ServerRecord, body: Record<string, unknown>) {
  const name = body.instanceName as string;
  const webhook =
    typeof body.webhook === 'string' && body.webhook
      ? { url: body.webhook, events: body.events as string[] | undefined, byEvents: body.webhook_by_events === true }
      : undefined;
  const number = typeof body.number === 'string' && body.number ? body.number.replace(/\D/g, '') : undefined;
  const instance = ctx.store.addInstance(server.name, {
    name,
    state: 'close',
    session: 'none',
    token: typeof body.token === 'string' && body.token ? body.token : undefined,
    ownerNumber: number,
    webhook,
  });
  if (body.qrcode === true) startSession(ctx, instance, number);
  return {
    instance: { instanceName: name, instanceId: instance.id, status: 'created' },
    hash: { apikey: instance.token },
    ...(body.qrcode === true && { qrcode: qrView(instance) }),
  };
}

export async function createInstance(ctx: SimContext, req: EvoRequest) {
  const server = serverFor(ctx.store, req);
  const raw = isObject(req.body) ? req.body : {};
  if (server.version === 'v1') {
    authorizeGlobal(server, req);
    const errors = validateBody(req.body, CREATE_BODY_V1);
    if (errors.length > 0) throw validationError(errors);
    assertNameFree(server, raw.instanceName);
    return createV1(ctx, server, raw);
  }
  assertNameFree(server, raw.instanceName);
  authorizeGlobal(server, req);
  const errors = validateBody(req.body, raw.instanceName === undefined ? CREATE_BODY_V1 : CREATE_BODY);
  if (errors.length > 0) throw validationError(errors);
  const body = raw;
  const name = body.instanceName as string;
  const integration = body.integration as string | undefined;
  if (typeof integration !== 'string' || !INTEGRATIONS.includes(integration)) throw badRequest('Invalid integration');
  if (integration === 'WHATSAPP-BUSINESS' && !body.token) throw badRequest('token is required');

  const number = typeof body.number === 'string' && body.number ? body.number : undefined;
  const instance = ctx.store.addInstance(server.name, {
    name,
    state: 'close',
    session: 'none',
    token: typeof body.token === 'string' && body.token ? body.token : undefined,
    ownerNumber: number?.replace(/\D/g, ''),
    integration,
    settings: settingsFrom(body),
  });
  try {
    const webhook = webhookOf(body.webhook);
    if (webhook) instance.webhook = storedTarget({ ...webhook, enabled: true }, webhook.events!);
    if (integration === 'WHATSAPP-BUSINESS' && !number) throw badRequest('number is required');
  } catch (err) {
    // createInstance's catch: the half-made instance is removed, the error's message answered.
    ctx.store.removeInstance(instance);
    if (err instanceof TypeError) throw badRequest(err.message);
    throw err;
  }
  ctx.webhooks.emit(instance, 'INSTANCE_CREATE', { instanceName: name, instanceId: instance.id });
  if (body.qrcode === true && integration === 'WHATSAPP-BAILEYS') {
    startSession(ctx, instance, number);
    await wait(ctx.store.timing.createQrWaitMs);
  }
  return createdView(instance, integration, body);
}

function createdView(instance: InstanceRecord, integration: string, body: Record<string, unknown>) {
  const w = isObject(body.webhook) ? body.webhook : {};
  return {
    instance: {
      instanceName: instance.name,
      instanceId: instance.id,
      integration,
      webhookWaBusiness: null,
      accessTokenWaBusiness: '',
      status: instance.state,
    },
    hash: instance.token,
    webhook: { webhookUrl: w.url, webhookHeaders: w.headers, webhookByEvents: w.byEvents, webhookBase64: w.base64 },
    websocket: {},
    rabbitmq: {},
    nats: {},
    sqs: {},
    settings: {
      ...settingsOf(instance),
      ...Object.fromEntries(SETTING_FLAGS.map((f) => [f, body[f] === true])),
      msgCall: typeof body.msgCall === 'string' ? body.msgCall : '',
    },
    ...(instance.session !== 'none' && body.qrcode === true && { qrcode: qrView(instance) }),
  };
}
