// The test-facing control surface. The `/__sim` HTTP routes take the same shapes.
import type {
  InstanceFaults,
  ServerFaults,
  SimInstanceOptions,
  SimMessage,
  SimServerOptions,
  SimState,
  WebhookDelivery,
  WebhookOptions,
} from './types.ts';

/**
 * What a customer's phone sends. `text` is the body (or caption, or the reaction's emoji).
 * `extended` is a reply/formatted text (Evolution flattens it to `conversation` anyway), `lid` a
 * chat WhatsApp addresses by the customer's LID, `group` a message in a group, `status` a story.
 */
export type SimInboundKind = 'text' | 'extended' | 'reaction' | 'image' | 'image-caption' | 'group' | 'status' | 'lid';

export interface SimInboundMessage {
  /** The customer's number, digits with country code; Brazil's 9th-digit rule gives its JID. */
  from: string;
  text?: string;
  kind?: SimInboundKind;
  pushName?: string;
  /** The message replied to (`extended`) or reacted to (`reaction`); default: the last one sent to `from`. */
  replyTo?: string;
  /** The group's JID for `group` (default a fixed test group). */
  groupJid?: string;
  /** The phone the customer uses: decides the key id's form and `source`. Default android. */
  device?: 'android' | 'ios';
}

export interface SimInboundResult {
  keyId: string;
  /** The `messages.upsert` data (posted unless the instance's inbound is silent or the socket drops it). */
  data: Record<string, unknown>;
  /** False when the real socket would ignore it (status without readStatus, group with groupsIgnore). */
  accepted: boolean;
  posted: boolean;
}

export interface OnWhatsappCacheEntry {
  remoteJid: string;
  jidOptions: string[];
  lid: 'lid' | null;
  updatedAt: string;
}

export interface SimControl {
  addServer(server: SimServerOptions): void;
  addInstance(server: string, instance: SimInstanceOptions): void;
  setInstanceState(server: string, instance: string, state: SimState | 'refused'): void; // emits connection.update
  setServerFaults(server: string, faults: Partial<ServerFaults>): void;
  setInstanceFaults(server: string, instance: string, faults: Partial<InstanceFaults>): void;
  markUnregistered(numbers: string[]): void; // these numbers answer exists:false (and leave every IsOnWhatsapp cache)
  setWebhookOptions(options: Partial<WebhookOptions>): void;
  messages(filter?: { server?: string; instance?: string }): SimMessage[];
  clearMessages(): void;
  webhookDeliveries(): WebhookDelivery[];
  reset(): void; // clears faults, messages, unregistered numbers, IsOnWhatsapp caches and stored chats

  /** A customer writes to the instance: `messages.upsert` with the real payload for that kind. */
  inbound(server: string, instance: string, message: SimInboundMessage): SimInboundResult;
  /** Posts `count` identical `connection.update` events (what an unreachable WhatsApp floods). */
  emitConnectionUpdates(server: string, instance: string, count: number, state?: SimState): void;
  /**
   * The owner removed the linked device on the phone (or WhatsApp ended the session): what
   * Evolution reports for a 401 from WhatsApp — `status.instance` closed 401, `logout.instance`,
   * `connection.update` close 401 — and the session is unpaired (a new QR scan is needed).
   */
  unlinkFromPhone(server: string, instance: string): void;
  /** The row's createdAt: how old the number looks to anything reading fetchInstances. */
  setInstanceCreatedAt(server: string, instance: string, createdAt: string): void;
  /** A database's shared `IsOnWhatsapp` cache (server names resolve to their database). */
  onWhatsappCache(database: string): OnWhatsappCacheEntry[];
  /** Puts numbers in a database's cache, as if some instance had checked or messaged them. */
  cacheNumbers(database: string, numbers: string[]): void;
}
