// Response bodies of the instance routes, shaped like Evolution's (DB rows for fetchInstances).
import { ownerJid } from '../connection.ts';
import type { InstanceRecord } from '../store.ts';

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

export const settingsOf = (i: InstanceRecord) => ({ ...SETTINGS, ...i.settings });

export const stateView = (i: InstanceRecord) => ({ instance: { instanceName: i.name, state: i.state } });

/** connectionState of a name known only from the database: nothing in memory, so no `state`. */
export const notHostedStateView = (name: string) => ({ instance: { instanceName: name } });

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
    clientName: i.server.clientName,
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
    Setting: { id: i.id, ...settingsOf(i), createdAt: i.createdAt, updatedAt: i.updatedAt, instanceId: i.id },
    _count: { Message: i.log.length, Contact: i.contacts.size, Chat: i.chats.size },
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
    events: [...w.events],
    webhookByEvents: w.byEvents,
    webhookBase64: w.base64,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    instanceId: i.id,
  };
}
