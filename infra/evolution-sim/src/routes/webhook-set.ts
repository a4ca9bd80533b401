// POST /webhook/set/{i} and GET /webhook/find/{i}.
import type { FastifyInstance } from 'fastify';
import { internal, validationError } from '../errors.ts';
import type { InstanceRecord } from '../store.ts';
import { CONFIG_EVENTS, storedTarget } from '../webhook-target.ts';
import { notHostedTypeError, resolveInstance, type EvoRequest, type SimContext } from './guard.ts';
import { webhookRow } from './instance-views.ts';
import { validateBody, type ObjectSpec } from './validate.ts';

const WEBHOOK_FIELDS: ObjectSpec = {
  required: ['enabled', 'url'],
  types: {
    enabled: 'boolean',
    url: 'string',
    headers: 'object',
    byEvents: 'boolean',
    base64: 'boolean',
    events: 'array',
  },
  enums: { events: CONFIG_EVENTS },
  notEmpty: ['enabled', 'url'],
};
const V2_WEBHOOK: ObjectSpec = {
  required: ['webhook'],
  types: { webhook: 'object' },
  nested: { webhook: WEBHOOK_FIELDS },
};
const V1_WEBHOOK: ObjectSpec = {
  required: ['enabled', 'url'],
  types: {
    enabled: 'boolean',
    url: 'string',
    events: 'array',
    webhook_by_events: 'boolean',
    webhook_base64: 'boolean',
  },
  enums: { events: CONFIG_EVENTS },
};

interface Fields {
  url: string;
  enabled: boolean;
  events?: string[];
  headers?: Record<string, string>;
  byEvents?: boolean;
  base64?: boolean;
}

/**
 * WebhookController.set: disabled → events cleared; enabled with [] → every event; enabled without
 * `events` → a TypeError reading `.length` (500). The URL is not checked: any string is stored, and
 * only `http(s)://` ones are ever posted to.
 */
function setWebhook(instance: InstanceRecord, hosted: boolean, body: unknown): void {
  const v1 = instance.server.version === 'v1';
  const errors = validateBody(body, v1 ? V1_WEBHOOK : V2_WEBHOOK);
  if (errors.length > 0) throw validationError(errors);
  const b = body as Fields & { webhook: Fields; webhook_by_events?: boolean; webhook_base64?: boolean };
  const w: Fields = v1 ? { ...b, byEvents: b.webhook_by_events, base64: b.webhook_base64 } : b.webhook;
  let events: readonly string[] = [];
  if (w.enabled) {
    if (!Array.isArray(w.events)) throw internal("Cannot read properties of undefined (reading 'length')");
    events = w.events.length === 0 ? CONFIG_EVENTS : w.events;
  }
  if (!hosted) throw internal(notHostedTypeError('instanceId'));
  instance.webhook = storedTarget({ ...w, enabled: w.enabled }, events);
  instance.updatedAt = new Date().toISOString();
}

export function webhookRoutes(app: FastifyInstance, { store }: SimContext): void {
  app.post('/webhook/set/:instance', async (req: EvoRequest, reply) => {
    const { instance, hosted } = resolveInstance(store, req);
    setWebhook(instance, hosted, req.body);
    const row = webhookRow(instance)!;
    if (instance.server.version === 'v1') {
      return reply.code(201).send({
        webhook: { instanceName: instance.name, webhook: { url: row.url, events: row.events, enabled: row.enabled } },
      });
    }
    return reply.code(201).send(row);
  });

  // EventController.get answers null for an instance not in memory (and when none was ever set).
  app.get('/webhook/find/:instance', async (req: EvoRequest, reply) => {
    const { instance, hosted } = resolveInstance(store, req);
    const row = hosted ? webhookRow(instance) : null;
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(row));
  });
}
