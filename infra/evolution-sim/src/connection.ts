// Connection state changes and the webhooks Evolution emits for them.
import { newQrCode } from './ids.ts';
import type { InstanceRecord, SimStore } from './store.ts';
import type { SimState } from './types.ts';
import type { WebhookEmitter } from './webhooks.ts';

// Baileys' DisconnectReason.connectionClosed: what a plain close or an expired QR reports.
const CONNECTION_CLOSED = 428;

export function ownerJid(instance: InstanceRecord): string | null {
  return instance.ownerNumber ? `${instance.ownerNumber}@s.whatsapp.net` : null;
}

/** Moves an instance to `state` and emits `connection.update`; `refused` ends as `close`. */
export function changeState(instance: InstanceRecord, state: SimState | 'refused', webhooks: WebhookEmitter, reason?: number): void {
  instance.state = state === 'refused' ? 'close' : state;
  instance.updatedAt = new Date().toISOString();
  if (state !== 'connecting') instance.qr = undefined;
  if (state === 'open') {
    instance.disconnectionReasonCode = null;
    webhooks.emit(instance, 'CONNECTION_UPDATE', {
      instance: instance.name,
      wuid: ownerJid(instance),
      profileName: instance.profileName,
      profilePictureUrl: null,
      state: 'open',
      statusReason: 200,
    });
    return;
  }
  const statusReason = state === 'connecting' ? 200 : (reason ?? CONNECTION_CLOSED);
  if (state !== 'connecting') instance.disconnectionReasonCode = statusReason;
  webhooks.emit(instance, 'CONNECTION_UPDATE', { instance: instance.name, state, statusReason });
}

/** Starts (or keeps) a QR session: a fresh QR only when the instance was closed. */
export function startQrSession(store: SimStore, instance: InstanceRecord, webhooks: WebhookEmitter, number?: string) {
  if (instance.state !== 'connecting' || !instance.qr) {
    if (instance.state !== 'connecting') changeState(instance, 'connecting', webhooks);
    showQr(store, instance, webhooks, (instance.qr?.count ?? 0) + 1, number);
  }
  return instance.qr!;
}

/**
 * Shows QR number `count` and lets it expire like Baileys does: an unscanned code is replaced
 * every `ttlMs`, and after `maxCodes` of them WhatsApp refuses and the session closes.
 */
function showQr(store: SimStore, instance: InstanceRecord, webhooks: WebhookEmitter, count: number, number?: string): void {
  const qr = newQrCode(count, number);
  instance.qr = qr;
  webhooks.emit(instance, 'QRCODE_UPDATED', {
    qrcode: { instance: instance.name, pairingCode: qr.pairingCode, code: qr.code, base64: qr.base64 },
  });
  const timer = setTimeout(() => {
    store.qrTimers.delete(timer);
    const current = !store.closed && instance.server.instances.get(instance.name) === instance;
    if (!current || instance.state !== 'connecting' || instance.qr !== qr) return;
    if (count >= store.qr.maxCodes) changeState(instance, 'refused', webhooks);
    else showQr(store, instance, webhooks, count + 1, number);
  }, store.qr.ttlMs).unref();
  store.qrTimers.add(timer);
}

/** A logout (API call or a 401 from WhatsApp) ends the session the way Baileys reports it. */
export function logoutInstance(instance: InstanceRecord, webhooks: WebhookEmitter): void {
  webhooks.emit(instance, 'STATUS_INSTANCE', {
    instance: instance.name,
    status: 'closed',
    disconnectionReasonCode: 401,
    disconnectionObject: '{"error":{"data":{"reason":"401","location":"frc"}}}',
    disconnectionAt: new Date().toISOString(),
  });
  webhooks.emit(instance, 'LOGOUT_INSTANCE', null);
  changeState(instance, 'close', webhooks, 401);
}
