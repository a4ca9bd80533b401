// POST /chat/whatsappNumbers/{i}. Its router catches every error and answers it raw with 400,
// outside the envelope: `{}` for a TypeError, Baileys' Boom object, or the validation object.
import type { FastifyInstance } from 'fastify';
import { rawBadRequest } from '../errors.ts';
import { lookupCached, saveCached } from '../is-on-whatsapp.ts';
import { createJid } from '../jid.ts';
import type { InstanceRecord, SimStore } from '../store.ts';
import { resolveInstance, type EvoRequest, type SimContext } from './guard.ts';
import { isUnregistered, isUserJid } from './send-check.ts';
import { validateBody, type ObjectSpec } from './validate.ts';

const NUMBERS_BODY: ObjectSpec = { types: { numbers: 'array' } };

/** What JSON.stringify makes of Baileys' `new Boom('Connection Closed', {statusCode: 428})`. */
const CONNECTION_CLOSED_BOOM = {
  data: null,
  isBoom: true,
  isServer: false,
  output: {
    statusCode: 428,
    payload: { statusCode: 428, error: 'Precondition Required', message: 'Connection Closed' },
    headers: {},
  },
};

/** JSON of a thrown TypeError: no enumerable properties. */
const TYPE_ERROR = {};

function validationFailure(messages: string[]) {
  return rawBadRequest({ status: 400, error: 'Bad Request', message: [messages] });
}

function parseNumbers(body: unknown): string[] {
  const errors = validateBody(body, NUMBERS_BODY);
  if (errors.length > 0) throw validationFailure(errors);
  const numbers = (body as { numbers?: unknown[] }).numbers;
  // `numbers` is not required by the schema: without it, `data.numbers.forEach` throws.
  if (numbers === undefined) throw rawBadRequest(TYPE_ERROR);
  const problems: string[] = [];
  if (numbers.length < 1) problems.push('numbers does not meet minimum length of 1');
  if (new Set(numbers.map((n) => JSON.stringify(n))).size !== numbers.length)
    problems.push('numbers contains duplicate item');
  numbers.forEach((n) => typeof n !== 'string' && problems.push('"numbers" must be an array of numeric strings'));
  if (problems.length > 0) throw validationFailure(problems);
  return numbers as string[];
}

/**
 * Cached numbers answer from the database cache (exists:true even while the instance is down);
 * the others need Baileys' onWhatsApp, which throws unless the session is open.
 */
function check(store: SimStore, instance: InstanceRecord, numbers: string[]) {
  const cache = instance.server.database.onWhatsapp;
  const users = numbers.map((number) => {
    const jid = createJid(number);
    const cached = isUserJid(jid) ? lookupCached(cache, jid, store.isOnWhatsappTtlMs) : undefined;
    return { number, jid, cached };
  });
  if (users.some((u) => !u.cached && !u.jid.endsWith('@lid'))) {
    if (instance.session === 'none') throw rawBadRequest(TYPE_ERROR);
    if (instance.state !== 'open') throw rawBadRequest(CONNECTION_CLOSED_BOOM);
  }
  return users.map(({ number, jid, cached }) => {
    const remoteJid = cached?.remoteJid ?? jid;
    const exists = cached !== undefined || jid.endsWith('@lid') || !isUnregistered(store, number, jid);
    if (exists && !cached && isUserJid(jid)) saveCached(cache, jid);
    const name = instance.contacts.get(remoteJid);
    const lid = cached?.lid ?? (remoteJid.endsWith('@lid') ? 'lid' : undefined);
    return { jid: remoteJid, exists, number, ...(name !== undefined && { name }), ...(lid && { lid }) };
  });
}

export function whatsappNumbersRoutes(app: FastifyInstance, { store }: SimContext): void {
  app.post('/chat/whatsappNumbers/:instance', async (req: EvoRequest) => {
    const { instance, hosted } = resolveInstance(store, req);
    const numbers = parseNumbers(req.body);
    if (!hosted) throw rawBadRequest(TYPE_ERROR);
    return check(store, instance, numbers);
  });
}
