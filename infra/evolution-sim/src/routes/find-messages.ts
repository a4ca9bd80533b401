// POST /chat/findMessages/{i}: a Prisma query on the instance's `Message` rows, quirks included.
import type { FastifyInstance } from 'fastify';
import { internal, validationError } from '../errors.ts';
import type { InstanceRecord, StoredMessage } from '../store.ts';
import { notHostedTypeError, resolveInstance, type EvoRequest, type SimContext } from './guard.ts';
import { isObject, validateBody, type ObjectSpec } from './validate.ts';

// messageValidateSchema. `limit` is validated and then never used; paging is `offset` (page size) and `page`.
const QUERY_BODY: ObjectSpec = {
  types: { where: 'object', limit: 'integer' },
  nested: { where: { types: { _id: 'string', key: 'object', message: 'object' } } },
};
const KEY_NAMES = ['fromMe', 'remoteJid', 'id'];

/** The key's own checks run only when it holds nothing but fromMe/remoteJid/id (the schema's if/then). */
function keyErrors(key: Record<string, unknown>): string[] {
  if (!Object.keys(key).every((k) => KEY_NAMES.includes(k))) return [];
  const errors: string[] = [];
  for (const field of ['remoteJid', 'id']) {
    const value = key[field];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0))
      errors.push('The property cannot be empty');
  }
  if (key.fromMe !== undefined && typeof key.fromMe !== 'boolean')
    errors.push('where.key.fromMe is not of a type(s) boolean');
  return errors;
}

interface Query {
  where?: {
    id?: string;
    source?: string;
    messageType?: string;
    messageTimestamp?: { gte?: unknown; lte?: unknown };
    key?: { id?: string; fromMe?: boolean; remoteJid?: string; participant?: string };
  };
  page?: number;
  offset?: number;
}

const seconds = (value: unknown) => Math.floor(new Date(value as string | number).getTime() / 1000);

/**
 * The filters as Prisma applies them: `where.id` is the row id (not key.id); the timestamp range
 * needs both ends; `key.fromMe:false` is dropped (a truthy test); remoteJid is exact, no JID
 * normalisation; `remoteJidAlt` sits in an OR beside an empty clause, so it never narrows anything.
 */
function matcher(query: Query): (m: StoredMessage) => boolean {
  const w = query.where ?? {};
  const k = w.key ?? {};
  const range =
    w.messageTimestamp?.gte && w.messageTimestamp?.lte
      ? [seconds(w.messageTimestamp.gte), seconds(w.messageTimestamp.lte)]
      : undefined;
  return (m) =>
    (w.id === undefined || m.id === w.id) &&
    (w.source === undefined || m.raw.source === w.source) &&
    (w.messageType === undefined || m.raw.messageType === w.messageType) &&
    (!range || (m.raw.messageTimestamp >= range[0]! && m.raw.messageTimestamp <= range[1]!)) &&
    (!k.id || m.raw.key.id === k.id) &&
    (!k.fromMe || m.raw.key.fromMe === k.fromMe) &&
    (!k.remoteJid || m.raw.key.remoteJid === k.remoteJid) &&
    (!k.participant || m.raw.key.participant === k.participant);
}

/** A record as selected: no `status`/`participant` columns; pushName filled in as fetchMessages does. */
function recordView(m: StoredMessage) {
  const { key, messageType, message, messageTimestamp, instanceId, source } = m.raw;
  let pushName = m.raw.pushName ?? null;
  if (!pushName && key.fromMe) pushName = 'Você';
  else if (!pushName && key.participant) pushName = key.participant.split('@')[0]!;
  return {
    id: m.id,
    key,
    pushName,
    messageType,
    message,
    messageTimestamp,
    instanceId,
    source,
    contextInfo: m.raw.contextInfo ?? null,
    MessageUpdate: m.updates.map((status) => ({ status })),
  };
}

export function findMessages(instance: InstanceRecord, query: Query) {
  const page = query.page || 1;
  const offset = query.offset || 50;
  const matches = instance.log.filter(matcher(query));
  // orderBy messageTimestamp desc; rows of the same second newest first.
  matches.reverse().sort((a, b) => b.raw.messageTimestamp - a.raw.messageTimestamp);
  const skip = offset * (page === 1 ? 0 : page - 1);
  return {
    messages: {
      total: matches.length,
      pages: Math.ceil(matches.length / offset),
      currentPage: page,
      records: matches.slice(skip, skip + offset).map(recordView),
    },
  };
}

export function findMessagesRoutes(app: FastifyInstance, { store }: SimContext): void {
  app.post('/chat/findMessages/:instance', async (req: EvoRequest) => {
    const { instance, hosted } = resolveInstance(store, req);
    const body = isObject(req.body) ? req.body : {};
    const errors = validateBody(req.body, QUERY_BODY);
    const where = isObject(body.where) ? body.where : undefined;
    if (where && isObject(where.key)) errors.push(...keyErrors(where.key));
    if (errors.length > 0) throw validationError(errors);
    // No connection check: only the database and the instance object in memory are needed.
    if (!hosted) throw internal(notHostedTypeError('fetchMessages'));
    return findMessages(instance, body as Query);
  });
}
