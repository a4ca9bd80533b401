// POST /message/sendText/{instance}: the hot path. Map lookups, no logging, webhooks fire-and-forget.
import type { FastifyInstance } from 'fastify';
import { badRequest, envelope, EvoError, internal, validationError } from '../errors.ts';
import { newKeyId } from '../ids.ts';
import { createJid, numberDigits } from '../jid.ts';
import type { InstanceRecord, SimStore } from '../store.ts';
import { guardInstance, type EvoRequest, type SimContext } from './guard.ts';
import { isObject, validateBody, type ObjectSpec } from './validate.ts';

const V2_BODY: ObjectSpec = {
  required: ['number', 'text'],
  types: { number: 'string', text: 'string', delay: 'integer', linkPreview: 'boolean', mentioned: 'array', quoted: 'object' },
  descriptions: { number: 'Invalid format' },
};
const V1_BODY: ObjectSpec = {
  required: ['textMessage', 'number'],
  types: { number: 'string', options: 'object', textMessage: 'object' },
  descriptions: { number: 'Invalid format' },
  nested: {
    textMessage: { required: ['text'], types: { text: 'string' } },
    options: { types: { delay: 'integer', linkPreview: 'boolean', presence: 'string' } },
  },
};

interface SendRequest {
  number: string;
  text: string;
  delay?: number;
  linkPreview?: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function parseBody(instance: InstanceRecord, body: unknown): SendRequest {
  const v1 = instance.server.version === 'v1';
  const errors = validateBody(body, v1 ? V1_BODY : V2_BODY);
  if (errors.length > 0) throw validationError(errors);
  const b = body as Record<string, unknown>;
  if (v1) {
    const text = (b.textMessage as { text: string }).text;
    if (!text.trim()) throw validationError(['The "text" cannot be empty']);
    const options = isObject(b.options) ? b.options : {};
    return { number: b.number as string, text, delay: options.delay as number | undefined, linkPreview: options.linkPreview as boolean | undefined };
  }
  if (!(b.text as string).trim()) throw badRequest('Text is required');
  return { number: b.number as string, text: b.text as string, delay: b.delay as number | undefined, linkPreview: b.linkPreview as boolean | undefined };
}

/** A closed instance, or one faulted to behave like a broken "open" one. */
function assertSendable(instance: InstanceRecord): void {
  switch (instance.faults.sendError) {
    case 'connection-closed':
      throw badRequest('Error: Connection Closed');
    case 'connection-closed-500':
      throw internal('Connection Closed');
    case 'typeerror-500':
      throw internal("Cannot read properties of undefined (reading 'textMessage')");
  }
  if (instance.state !== 'open') throw badRequest('Error: Connection Closed');
}

export function isUnregistered(store: SimStore, number: string, remoteJid: string): boolean {
  return store.unregistered.size > 0 && (store.unregistered.has(numberDigits(number)) || store.unregistered.has(numberDigits(remoteJid)));
}

function successBody(instance: InstanceRecord, keyId: string, remoteJid: string, text: string, seconds: number) {
  if (instance.server.version === 'v1') {
    return { key: { remoteJid, fromMe: true, id: keyId }, message: { extendedTextMessage: { text } }, messageTimestamp: String(seconds), status: 'PENDING' };
  }
  return {
    key: { remoteJid, fromMe: true, id: keyId },
    pushName: 'Você',
    status: 'PENDING',
    message: { conversation: text },
    messageType: 'conversation',
    messageTimestamp: seconds,
    instanceId: instance.id,
    source: 'unknown',
  };
}

export function sendTextRoutes(app: FastifyInstance, { store, webhooks }: SimContext): void {
  app.post('/message/sendText/:instance', async (req: EvoRequest, reply) => {
    const instance = guardInstance(store, req);
    const send = parseBody(instance, req.body);
    assertSendable(instance);
    const remoteJid = createJid(send.number);
    if (isUnregistered(store, send.number, remoteJid)) {
      throw new EvoError(400, envelope(400, [{ jid: remoteJid, exists: false, number: send.number }]));
    }
    // The typing delay happens before the send; the message goes out even if the client gave up.
    if (send.delay && send.delay > 0) {
      await sleep(send.delay);
      assertSendable(instance);
    }
    const keyId = newKeyId();
    const now = Date.now();
    const result = successBody(instance, keyId, remoteJid, send.text, Math.floor(now / 1000));
    store.recordMessage({
      server: instance.server.name,
      instance: instance.name,
      number: send.number,
      text: send.text,
      keyId,
      remoteJid,
      receivedAt: now,
      ...(send.delay !== undefined && { delay: send.delay }),
      ...(send.linkPreview !== undefined && { linkPreview: send.linkPreview }),
    });
    instance.messageCount++;
    webhooks.emit(instance, 'SEND_MESSAGE', result, keyId);
    webhooks.scheduleAcks(instance, keyId, remoteJid);
    return reply.code(201).send(result);
  });
}
