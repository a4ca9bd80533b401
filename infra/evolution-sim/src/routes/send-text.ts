// POST /message/sendText/{instance}: the hot path. Map lookups, no logging, webhooks fire-and-forget.
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../errors.ts';
import { newKeyId, newLegacyKeyId, newRowId } from '../ids.ts';
import { numberDigits } from '../jid.ts';
import { scheduleReceipts, type ReceiptPlan } from '../receipts.ts';
import type { InstanceRecord, StoredMessage } from '../store.ts';
import type { SimMessage } from '../types.ts';
import { resolveInstance, type EvoRequest, type SimContext } from './guard.ts';
import { answerSend } from './send-answer.ts';
import { parseSendBody } from './send-body.ts';
import { assertNoSendFault, checkRecipient } from './send-check.ts';
import { sleep } from '../sleep.ts';

// Never mutated after a send, so every send of the same second shares one (benchmarks keep many).
let sharedContext: { seconds: number; value: object } = { seconds: -1, value: {} };
function contextInfoAt(seconds: number): object {
  if (sharedContext.seconds !== seconds) {
    sharedContext = {
      seconds,
      value: {
        mentionedJid: [],
        groupMentions: [],
        ephemeralSettingTimestamp: { low: seconds - 172_800, high: 0, unsigned: false },
        disappearingMode: { initiator: 0 },
      },
    };
  }
  return sharedContext.value;
}

/**
 * Evolution's messageRaw of a sent text: Baileys builds an extendedTextMessage carrying the
 * contextInfo Evolution passes (mentions, ephemeral setting), prepareMessage rewrites it to
 * `conversation` and lifts that contextInfo to the top.
 */
function sentMessage(instance: InstanceRecord, keyId: string, remoteJid: string, text: string, seconds: number) {
  if (instance.server.version === 'v1') {
    return {
      key: { remoteJid, fromMe: true, id: keyId },
      message: { extendedTextMessage: { text } },
      messageTimestamp: String(seconds),
      status: 'PENDING',
    };
  }
  return {
    key: { remoteJid, fromMe: true, id: keyId },
    pushName: 'Você',
    status: 'PENDING',
    message: { conversation: text },
    contextInfo: contextInfoAt(seconds),
    messageType: 'conversation',
    messageTimestamp: seconds,
    instanceId: instance.id,
    source: 'web',
  };
}

/** Whether the customer will get it: WhatsApp may accept a send and still never deliver it. */
function fateOf(
  instance: InstanceRecord,
  remoteJid: string,
): { plan: ReceiptPlan | 'none'; swallowed?: SimMessage['swallowed'] } {
  const f = instance.faults;
  const peer = numberDigits(remoteJid);
  if (f.reachoutLock && !instance.chats.has(peer)) return { plan: 'error', swallowed: 'reachout-lock' };
  if (f.receipts === 'never') return { plan: 'none', swallowed: 'no-receipts' };
  if (f.receipts === 'server-ack-only') return { plan: 'server-ack-only', swallowed: 'no-receipts' };
  instance.chats.add(peer);
  return { plan: 'normal' };
}

export function sendTextRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { store, webhooks } = ctx;
  app.post('/message/sendText/:instance', async (req: EvoRequest, reply) => {
    const { instance, hosted } = resolveInstance(store, req);
    const send = parseSendBody(instance, req.body, hosted);
    assertNoSendFault(instance);
    const remoteJid = checkRecipient(store, instance, send.number);
    // The typing delay happens before the send; the message goes out even if the client gave up.
    if (send.delay && send.delay > 0) {
      await sleep(send.delay);
      if (instance.state !== 'open') throw badRequest('Error: Connection Closed');
      assertNoSendFault(instance);
    }
    const v1 = instance.server.version === 'v1';
    const keyId = v1 ? newLegacyKeyId() : newKeyId();
    const now = Date.now();
    const result = sentMessage(instance, keyId, remoteJid, send.text, Math.floor(now / 1000));
    const fate = fateOf(instance, remoteJid);
    const afterSend = instance.faults.afterSend ?? 'none';
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
      ...(fate.swallowed && { swallowed: fate.swallowed }),
      ...(afterSend !== 'none' && { afterSend }),
    });
    let stored: StoredMessage | undefined;
    if (!v1 && instance.server.saveMessages) {
      stored = { id: newRowId(), raw: result as StoredMessage['raw'], updates: [] };
      store.storeMessage(instance, stored);
    }
    webhooks.emit(instance, 'SEND_MESSAGE', result, keyId);
    if (fate.plan !== 'none') scheduleReceipts(store, webhooks, instance, { keyId, remoteJid, stored }, fate.plan);
    return answerSend(req, reply, result, afterSend, instance.faults.afterSendDelayMs ?? 30_000);
  });
}
