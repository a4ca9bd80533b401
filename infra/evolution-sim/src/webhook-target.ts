// A webhook as stored: Evolution keeps the event names as given and the URL as any string.
import type { WebhookTarget } from './records.ts';
import type { SimWebhookConfig } from './types.ts';

/** Every event name Evolution v2 accepts in a webhook configuration (EventController.events). */
export const CONFIG_EVENTS = [
  'APPLICATION_STARTUP',
  'QRCODE_UPDATED',
  'MESSAGES_SET',
  'MESSAGES_UPSERT',
  'MESSAGES_EDITED',
  'MESSAGES_UPDATE',
  'MESSAGES_DELETE',
  'SEND_MESSAGE',
  'SEND_MESSAGE_UPDATE',
  'CONTACTS_SET',
  'CONTACTS_UPSERT',
  'CONTACTS_UPDATE',
  'PRESENCE_UPDATE',
  'CHATS_SET',
  'CHATS_UPSERT',
  'CHATS_UPDATE',
  'CHATS_DELETE',
  'GROUPS_UPSERT',
  'GROUP_UPDATE',
  'GROUP_PARTICIPANTS_UPDATE',
  'CONNECTION_UPDATE',
  'LABELS_EDIT',
  'LABELS_ASSOCIATION',
  'CALL',
  'TYPEBOT_START',
  'TYPEBOT_CHANGE_STATUS',
  'REMOVE_INSTANCE',
  'LOGOUT_INSTANCE',
  'INSTANCE_CREATE',
  'INSTANCE_DELETE',
  'STATUS_INSTANCE',
] as const;

const SENDABLE = /^(https?:\/\/)/;

/** Stores what Evolution stores; `events` is the final list (the caller applies empty = all). */
export function storedTarget(
  config: Required<Pick<SimWebhookConfig, 'url' | 'enabled'>> & SimWebhookConfig,
  events: readonly string[],
): WebhookTarget {
  return {
    url: config.url,
    enabled: config.enabled,
    events: new Set(events),
    headers: { ...(config.headers ?? {}) },
    byEvents: config.byEvents ?? false,
    base64: config.base64 ?? false,
    sendable: SENDABLE.test(config.url),
  };
}

/** A webhook given to the control API: absent or empty events mean every event, enabled by default. */
export function toWebhookTarget(config: SimWebhookConfig): WebhookTarget {
  const events = config.events && config.events.length > 0 ? config.events.map((e) => e.toUpperCase()) : CONFIG_EVENTS;
  return storedTarget({ ...config, enabled: config.enabled ?? true }, events);
}
