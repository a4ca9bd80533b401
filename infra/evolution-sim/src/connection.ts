// Connection state changes and the webhooks Evolution emits for them.
import type { InstanceRecord } from './store.ts';
import type { SimState } from './types.ts';
import type { WebhookEmitter } from './webhooks.ts';

// Baileys' DisconnectReason.connectionClosed: what a plain close or an expired QR reports.
export const CONNECTION_CLOSED = 428;

export function ownerJid(instance: InstanceRecord): string | null {
  return instance.ownerNumber ? `${instance.ownerNumber}@s.whatsapp.net` : null;
}

/** The `connection.update` data for a state, as Evolution builds it. */
export function connectionData(instance: InstanceRecord, state: SimState | 'refused', reason?: number) {
  if (state === 'open') {
    return {
      instance: instance.name,
      wuid: ownerJid(instance),
      profileName: instance.profileName,
      profilePictureUrl: null,
      state,
      statusReason: 200,
    };
  }
  return { instance: instance.name, state, statusReason: state === 'connecting' ? 200 : (reason ?? CONNECTION_CLOSED) };
}

/**
 * Moves an instance to `state` and emits `connection.update`; `refused` ends as `close`. Open means
 * scanned (the session is paired from then on). Open/close stop the current socket's pending work
 * (QR rotation, a reconnect); `connecting` does not, so a QR series keeps rotating.
 */
export function changeState(
  instance: InstanceRecord,
  state: SimState | 'refused',
  webhooks: WebhookEmitter,
  reason?: number,
): void {
  instance.state = state === 'refused' ? 'close' : state;
  instance.updatedAt = new Date().toISOString();
  if (state !== 'connecting') instance.epoch++;
  // Connecting means a socket exists: a never-connected instance now has one, showing QR codes.
  if (state === 'connecting' && instance.session === 'none') instance.session = 'unpaired';
  if (state === 'open') {
    instance.session = 'paired';
    instance.disconnectionReasonCode = null;
  } else if (state !== 'connecting') {
    instance.disconnectionReasonCode = reason ?? CONNECTION_CLOSED;
  }
  // Evolution's no.connection handler: a refused session starts its next QR series from zero.
  if (state === 'refused') instance.qrcode = { count: 0 };
  webhooks.emit(instance, 'CONNECTION_UPDATE', connectionData(instance, state, reason));
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
  instance.session = 'unpaired';
  changeState(instance, 'close', webhooks, 401);
}

/** `count` identical events without any other effect: the flood an unreachable WhatsApp causes. */
export function floodConnectionUpdates(
  instance: InstanceRecord,
  webhooks: WebhookEmitter,
  count: number,
  state: SimState,
): void {
  instance.state = state;
  const data = connectionData(instance, state);
  for (let i = 0; i < count; i++) webhooks.emit(instance, 'CONNECTION_UPDATE', data);
}
