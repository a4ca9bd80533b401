// messages.update receipts of a sent message: SERVER_ACK → DELIVERY_ACK → READ, or how they fail.
import type { InstanceRecord, SimStore, StoredMessage } from './store.ts';
import type { WebhookEmitter } from './webhooks.ts';

/**
 * `normal` acks; `server-ack-only` stops before DELIVERY_ACK; `error` is WhatsApp refusing the
 * message (an ack carrying error 463): status ERROR, with no code in the payload because Evolution
 * builds it field by field and drops Baileys' `messageStubParameters`.
 */
export type ReceiptPlan = 'normal' | 'server-ack-only' | 'error';

const ACK_STATUSES = ['SERVER_ACK', 'DELIVERY_ACK', 'READ'] as const;

function receiptData(
  instance: InstanceRecord,
  keyId: string,
  remoteJid: string,
  status: string,
  messageId: string | undefined,
) {
  if (instance.server.version === 'v1') {
    return { remoteJid, id: keyId, fromMe: true, status, datetime: Date.now(), owner: instance.name };
  }
  return messageId === undefined
    ? { keyId, remoteJid, fromMe: true, status, instanceId: instance.id }
    : { keyId, remoteJid, fromMe: true, status, instanceId: instance.id, messageId };
}

/**
 * One chained, unref'd timer per message. A v2 server that saves no messages finds no row for the
 * update and skips it (no receipts at all); MessageUpdate rows are kept for findMessages either way.
 */
export function scheduleReceipts(
  store: SimStore,
  webhooks: WebhookEmitter,
  instance: InstanceRecord,
  message: { keyId: string; remoteJid: string; stored: StoredMessage | undefined },
  plan: ReceiptPlan,
): void {
  if (instance.server.version === 'v2' && !instance.server.saveMessages) return;
  const hooked = webhooks.wants(instance, 'MESSAGES_UPDATE');
  if (!hooked && !message.stored) return;
  const delays = store.webhook.ackDelaysMs;
  const last = plan === 'normal' ? (store.webhook.emitRead ? 3 : 2) : 1;
  const generation = store.generation;
  const step = (index: number, elapsed: number) => {
    const wait = Math.max(0, delays[index]! - elapsed);
    setTimeout(() => {
      if (generation !== store.generation || store.closed) return;
      const status = plan === 'error' ? 'ERROR' : ACK_STATUSES[index]!;
      message.stored?.updates.push(status);
      if (hooked)
        webhooks.emit(
          instance,
          'MESSAGES_UPDATE',
          receiptData(instance, message.keyId, message.remoteJid, status, message.stored?.id),
          message.keyId,
        );
      if (index + 1 < last) step(index + 1, elapsed + wait);
    }, wait).unref();
  };
  step(0, 0);
}
