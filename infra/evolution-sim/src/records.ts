// The in-memory records: what a real server keeps in its process (instances) and in Postgres (rows).
import type { QrCode } from './ids.ts';
import type { OnWhatsappCache } from './is-on-whatsapp.ts';
import type {
  InstanceFaults,
  ServerFaults,
  SimInstanceSettings,
  SimSession,
  SimState,
  WebhookOptions,
} from './types.ts';

export interface WebhookTarget {
  url: string;
  enabled: boolean;
  /** The stored names; an unknown name is kept and simply never matches an emitted event. */
  events: ReadonlySet<string>;
  headers: Record<string, string>;
  byEvents: boolean;
  base64: boolean;
  /** Evolution only POSTs to `http(s)://` URLs; anything else is stored and never used. */
  sendable: boolean;
}

/** A row of Evolution's `Message` table, as findMessages returns it (plus its MessageUpdate statuses). */
export interface StoredMessage {
  id: string;
  raw: {
    key: { id: string; remoteJid: string; fromMe: boolean; participant?: string; remoteJidAlt?: string };
    pushName?: string | null;
    messageType: string;
    message: unknown;
    contextInfo?: unknown;
    messageTimestamp: number;
    instanceId: string;
    source: string;
  };
  updates: string[];
}

export interface InstanceRecord {
  server: ServerRecord;
  name: string;
  id: string;
  token: string;
  state: SimState;
  session: SimSession;
  integration: string;
  ownerNumber: string | undefined;
  profileName: string;
  webhook: WebhookTarget | undefined;
  webhookRowId: string;
  faults: InstanceFaults;
  /** Evolution's `instance.qrcode`: starts `{count:0}`, is never cleared on open, reset only when refused. */
  qrcode: Partial<QrCode> & { count: number };
  /** The number of the current pairing-code session (`connect?number=` or create's `number`). */
  phoneNumber: string | undefined;
  /** Bumped whenever a socket is (re)started or the state is forced: stale QR/reconnect timers stop. */
  epoch: number;
  disconnectionReasonCode: number | null;
  settings: Required<SimInstanceSettings>;
  /** findMessages: sent and received messages, oldest first. */
  log: StoredMessage[];
  /** Digits of everyone this instance exchanged a message with (the reach-out lock spares them). */
  chats: Set<string>;
  /** Contact push names by JID, as whatsappNumbers reports them. */
  contacts: Map<string, string>;
  /** Another server of the database deleted this row; the process still serves the instance. */
  rowDeleted: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface DatabaseRecord {
  name: string;
  /** Instance rows by name, whichever server hosts them. */
  rows: Map<string, InstanceRecord>;
  onWhatsapp: OnWhatsappCache;
}

export interface ServerRecord {
  name: string;
  apiKey: string;
  version: 'v2' | 'v1';
  /** Instances loaded in this server's memory (Evolution's waMonitor.waInstances). */
  instances: Map<string, InstanceRecord>;
  database: DatabaseRecord;
  clientName: string;
  saveMessages: boolean;
  faults: ServerFaults;
  /** Cheap check for the request hook: most servers never get a fault. */
  faulty: boolean;
}

export const defaultServerFaults = (): ServerFaults => ({
  errorRate: 0,
  errorStatus: 500,
  latencyMs: 0,
  hang: false,
  reset: false,
});
export const defaultInstanceFaults = (): InstanceFaults => ({
  sendError: 'none',
  connectError: false,
  errorRate: 0,
  errorStatus: 500,
  latencyMs: 0,
  hang: false,
  afterSend: 'none',
  afterSendDelayMs: 30_000,
  receipts: 'normal',
  reachoutLock: false,
  silentInbound: false,
  whatsappUnreachable: false,
});
export const defaultWebhookOptions = (): Required<WebhookOptions> => ({
  ackDelaysMs: [50, 150, 300],
  duplicateRate: 0,
  emitRead: true,
  maxAttempts: 10,
  retryBaseMs: 20,
  retryMaxMs: 1_000,
  retryJitter: 0,
});

export function isFaulty(f: ServerFaults): boolean {
  return f.errorRate > 0 || f.latencyMs > 0 || f.hang || f.reset;
}
