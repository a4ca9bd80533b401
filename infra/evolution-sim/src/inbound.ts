// A customer's message reaching an instance: stored, posted as messages.upsert (+ the contact
// event Evolution sends next), and learned by the database's IsOnWhatsapp cache.
import { ownerJid } from './connection.ts';
import type { SimContext } from './context.ts';
import type { SimInboundMessage, SimInboundResult } from './control-types.ts';
import { SimControlError } from './errors.ts';
import { newRowId } from './ids.ts';
import { buildInbound, customerJid } from './inbound-payload.ts';
import { saveCached } from './is-on-whatsapp.ts';
import { numberDigits } from './jid.ts';
import type { InstanceRecord, StoredMessage } from './store.ts';

/** The message a reply or reaction points at: the given id, else our last send to that customer. */
function replyTarget(ctx: SimContext, instance: InstanceRecord, pnJid: string, keyId?: string) {
  const messages = ctx.store.messages;
  const digits = numberDigits(pnJid);
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.server !== instance.server.name || m.instance !== instance.name) continue;
    if (keyId ? m.keyId === keyId : numberDigits(m.remoteJid) === digits) return { keyId: m.keyId, text: m.text };
  }
  return keyId ? { keyId } : undefined;
}

export function receiveInbound(ctx: SimContext, instance: InstanceRecord, input: SimInboundMessage): SimInboundResult {
  if (instance.state !== 'open') {
    throw new SimControlError(
      409,
      'INSTANCE_NOT_OPEN',
      `instance "${instance.name}" is ${instance.state}: no message can reach it`,
    );
  }
  const kind = input.kind ?? 'text';
  const pnJid = customerJid(input.from);
  const built = buildInbound(input, {
    ownerJid: ownerJid(instance),
    replyTo: replyTarget(ctx, instance, pnJid, input.replyTo),
  });
  const { key } = built;
  const data: StoredMessage['raw'] & Record<string, unknown> = {
    key,
    pushName: built.pushName,
    status: 'DELIVERY_ACK',
    message: built.message,
    ...(built.contextInfo && { contextInfo: built.contextInfo }),
    messageType: built.messageType,
    messageTimestamp: Math.floor(Date.now() / 1000),
    instanceId: instance.id,
    source: built.source,
  };
  if (instance.webhook?.base64 && built.messageType === 'imageMessage') {
    (data.message as Record<string, unknown>).base64 =
      '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQH/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==';
  }
  // The socket's shouldIgnoreJid: statuses unless readStatus, groups when groupsIgnore.
  const accepted =
    kind === 'status' ? instance.settings.readStatus : kind === 'group' ? !instance.settings.groupsIgnore : true;
  if (!accepted) return { keyId: built.keyId, data, accepted, posted: false };

  ctx.store.storeMessage(instance, { id: newRowId(), raw: data, updates: [] });
  instance.chats.add(numberDigits(pnJid));
  const posted = !instance.faults.silentInbound && ctx.webhooks.wants(instance, 'MESSAGES_UPSERT');
  if (!instance.faults.silentInbound) ctx.webhooks.emit(instance, 'MESSAGES_UPSERT', data);
  if (key.remoteJid === 'status@broadcast') return { keyId: built.keyId, data, accepted, posted };

  const known = instance.contacts.has(key.remoteJid);
  instance.contacts.set(key.remoteJid, built.pushName);
  if (!instance.faults.silentInbound) {
    const contact = {
      remoteJid: key.remoteJid,
      pushName: built.pushName,
      profilePicUrl: null,
      instanceId: instance.id,
    };
    ctx.webhooks.emit(instance, known ? 'CONTACTS_UPDATE' : 'CONTACTS_UPSERT', contact);
  }
  if (key.remoteJid.endsWith('@s.whatsapp.net') || key.remoteJid.endsWith('@lid')) {
    const lidMode = key.addressingMode === 'lid';
    saveCached(instance.server.database.onWhatsapp, lidMode ? key.remoteJidAlt! : key.remoteJid, {
      altLid: key.remoteJidAlt,
      lid: lidMode,
    });
  }
  return { keyId: built.keyId, data, accepted, posted };
}
