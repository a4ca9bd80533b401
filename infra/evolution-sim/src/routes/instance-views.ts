// Response bodies of the instance routes, shaped like Evolution's (DB rows for fetchInstances).
import type { QrCode } from '../ids.ts';
import type { InstanceRecord } from '../store.ts';
import { ownerJid } from '../connection.ts';
import { CONFIG_EVENTS } from '../webhooks.ts';

export const SETTINGS = {
  rejectCall: false,
  msgCall: '',
  groupsIgnore: false,
  alwaysOnline: false,
  readMessages: false,
  readStatus: false,
  syncFullHistory: false,
  wavoipToken: '',
};

export const stateView = (i: InstanceRecord) => ({ instance: { instanceName: i.name, state: i.state } });

export const qrView = (qr: QrCode) => ({ pairingCode: qr.pairingCode, code: qr.code, base64: qr.base64, count: qr.count });

export function instanceRow(i: InstanceRecord, serverUrl: string) {
  if (i.server.version === 'v1') {
    return {
      instance: {
        instanceName: i.name,
        instanceId: i.id,
        owner: ownerJid(i),
        profileName: i.profileName,
        profilePictureUrl: null,
        profileStatus: '',
        status: i.state,
        serverUrl,
        apikey: i.token,
      },
    };
  }
  return {
    id: i.id,
    name: i.name,
    connectionStatus: i.state,
    ownerJid: ownerJid(i),
    profileName: i.profileName,
    profilePicUrl: null,
    integration: i.integration,
    number: i.ownerNumber ?? null,
    businessId: null,
    token: i.token,
    clientName: 'evolution_exchange',
    disconnectionReasonCode: i.disconnectionReasonCode,
    disconnectionObject: null,
    disconnectionAt: null,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    Chatwoot: null,
    Proxy: null,
    Rabbitmq: null,
    Nats: null,
    Sqs: null,
    Websocket: null,
    Setting: { id: i.id, ...SETTINGS, createdAt: i.createdAt, updatedAt: i.updatedAt, instanceId: i.id },
    _count: { Message: i.messageCount, Contact: 0, Chat: 0 },
  };
}

export function webhookRow(i: InstanceRecord) {
  const w = i.webhook;
  if (!w) return null;
  return {
    id: i.webhookRowId,
    url: w.url,
    headers: w.headers,
    enabled: w.enabled,
    events: w.events ? [...w.events] : [...CONFIG_EVENTS],
    webhookByEvents: w.byEvents,
    webhookBase64: w.base64,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    instanceId: i.id,
  };
}
