// POST /webhook/set/{i}, GET /webhook/find/{i}, POST /chat/whatsappNumbers/{i}.
import type { FastifyInstance } from 'fastify';
import { badRequest, validationError } from '../errors.ts';
import { createJid } from '../jid.ts';
import { toWebhookTarget } from '../store.ts';
import type { SimWebhookConfig } from '../types.ts';
import { CONFIG_EVENTS } from '../webhooks.ts';
import { guardInstance, type EvoRequest, type SimContext } from './guard.ts';
import { webhookRow } from './instance-views.ts';
import { isUnregistered } from './send-text.ts';
import { validateBody, type ObjectSpec } from './validate.ts';

const WEBHOOK_FIELDS: ObjectSpec = {
  required: ['enabled', 'url'],
  types: { enabled: 'boolean', url: 'string', headers: 'object', byEvents: 'boolean', base64: 'boolean', events: 'array' },
  enums: { events: CONFIG_EVENTS },
};
const V2_WEBHOOK: ObjectSpec = { required: ['webhook'], types: { webhook: 'object' }, nested: { webhook: WEBHOOK_FIELDS } };
const V1_WEBHOOK: ObjectSpec = {
  required: ['enabled', 'url'],
  types: { enabled: 'boolean', url: 'string', events: 'array', webhook_by_events: 'boolean', webhook_base64: 'boolean' },
  enums: { events: CONFIG_EVENTS },
};
const NUMBERS_BODY: ObjectSpec = { required: ['numbers'], types: { numbers: 'array' } };

function parseWebhook(v1: boolean, body: unknown): SimWebhookConfig {
  const errors = validateBody(body, v1 ? V1_WEBHOOK : V2_WEBHOOK);
  if (errors.length > 0) throw validationError(errors);
  interface Fields { url: string; enabled: boolean; events?: string[]; headers?: Record<string, string>; byEvents?: boolean; base64?: boolean }
  const b = body as Fields & { webhook: Fields; webhook_by_events?: boolean; webhook_base64?: boolean };
  const w: Fields = v1 ? { ...b, byEvents: b.webhook_by_events, base64: b.webhook_base64 } : b.webhook;
  let url: URL | undefined;
  try {
    url = new URL(w.url);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol)) throw badRequest('Invalid "url" property');
  return { url: w.url, enabled: w.enabled, events: w.events, headers: w.headers, byEvents: w.byEvents, base64: w.base64 };
}

export function webhookChatRoutes(app: FastifyInstance, { store }: SimContext): void {
  app.post('/webhook/set/:instance', async (req: EvoRequest, reply) => {
    const instance = guardInstance(store, req);
    instance.webhook = toWebhookTarget(parseWebhook(instance.server.version === 'v1', req.body));
    instance.updatedAt = new Date().toISOString();
    const row = webhookRow(instance)!;
    if (instance.server.version === 'v1') {
      return reply.code(201).send({ webhook: { instanceName: instance.name, webhook: { url: row.url, events: row.events, enabled: row.enabled } } });
    }
    return reply.code(201).send(row);
  });

  app.get('/webhook/find/:instance', async (req: EvoRequest) => webhookRow(guardInstance(store, req)));

  app.post('/chat/whatsappNumbers/:instance', async (req: EvoRequest) => {
    const instance = guardInstance(store, req);
    const errors = validateBody(req.body, NUMBERS_BODY);
    if (errors.length > 0) throw validationError(errors);
    if (instance.state !== 'open') throw badRequest('Error: Connection Closed');
    const numbers = (req.body as { numbers: unknown[] }).numbers.map(String);
    return numbers.map((number) => {
      const jid = createJid(number);
      return { exists: !isUnregistered(store, number, jid), jid, number };
    });
  });
}
