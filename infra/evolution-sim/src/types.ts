// The simulator's public option and record types. Other packages test against these exact shapes.
import type { FastifyInstance } from 'fastify';
import type { SimControl } from './control-types.ts';

export type { SimControl } from './control-types.ts';

export type SimState = 'open' | 'connecting' | 'close';

/**
 * What the instance's Baileys session holds, which decides how a send fails while it is not open:
 * `none` = created and never connected (no socket at all), `unpaired` = a socket showing QR codes
 * (never scanned, or logged out), `paired` = WhatsApp credentials saved (reconnects without a QR).
 */
export type SimSession = 'none' | 'unpaired' | 'paired';

/** A webhook as configured by the create body or `POST /webhook/set/{i}`. */
export interface SimWebhookConfig {
  url: string;
  enabled?: boolean;
  /** UPPER_SNAKE config names (`MESSAGES_UPDATE`); empty or absent = every event, as Evolution does. */
  events?: string[];
  headers?: Record<string, string>;
  byEvents?: boolean;
  base64?: boolean;
}

/** The instance settings that change what reaches the webhook (Evolution's defaults: all false). */
export interface SimInstanceSettings {
  groupsIgnore?: boolean;
  /** Status (`status@broadcast`) messages are dropped by the socket unless this is on. */
  readStatus?: boolean;
}

export interface SimInstanceOptions {
  name: string;
  state?: SimState /* default 'open' */;
  /** Default 'paired': a fleet instance that was scanned once (see SimSession). */
  session?: SimSession;
  token?: string;
  ownerNumber?: string /* digits */;
  profileName?: string;
  webhook?: SimWebhookConfig;
  /** The row's `createdAt` (ISO); set it in the past to model an old number, now for a cold one. */
  createdAt?: string;
  settings?: SimInstanceSettings;
}

export interface SimServerOptions {
  name: string /* URL-safe, e.g. 'evo1' */;
  apiKey: string;
  version?: 'v2' | 'v1';
  instances?: SimInstanceOptions[];
  /**
   * The Postgres database the server uses (default: its own, named after the server). Servers that
   * name the same database share instance rows and the `IsOnWhatsapp` cache, as real ones do.
   */
  database?: string;
  /** DATABASE_CONNECTION_CLIENT_NAME: fetchInstances lists the database's rows with this name. */
  clientName?: string;
  /**
   * DATABASE_SAVE_DATA_NEW_MESSAGE (default true). Off (with HISTORIC on) the server keeps no
   * messages: findMessages finds nothing and no delivery receipt is ever sent.
   */
  saveMessages?: boolean;
}

export interface ServerFaults {
  errorRate: number; // 0..1 fraction of requests answered with `errorStatus`
  errorStatus: number; // default 500
  latencyMs: number; // added to every request
  hang: boolean; // never answer (client must time out)
  reset: boolean; // destroy the socket without answering (connection reset)
  /** `GET /` only: its wait for web.whatsapp.com (default: `timing.welcomeMs`). */
  welcomeLatencyMs?: number;
  /** `GET /` only: never answers, like a server behind a firewall that drops outbound traffic. */
  welcomeHang?: boolean;
}

export type SendErrorFault =
  | 'none'
  | 'connection-closed' // 400 ["Error: Connection Closed"]
  | 'connection-closed-500' // 500 "Connection Closed"
  | 'typeerror-500' // 500 "Cannot read properties of undefined (reading 'textMessage')"
  | 'timed-out' // 400 ["Error: Timed Out"] (a Baileys query that got no answer)
  | 'not-authenticated'; // 400 ["Error: Not authenticated"]

/** How a send that reached the customer goes wrong afterwards: its outcome is unknown to the client. */
/** What happens to the 201 after the message went out; `bad-jid` and `fixed-key` model a gateway or caching proxy in front of the server that mangles its answer. */
export type AfterSendFault = 'none' | 'delay' | 'reset' | 'garbage' | 'no-key' | 'bad-jid' | 'fixed-key';

export interface InstanceFaults {
  sendError: SendErrorFault;
  /** Connect and restart answer Evolution's 200 `{"error":true,"message":"[object Object]"}`. */
  connectError?: boolean;
  /** Like the server faults, but only on the routes naming this instance (sendText, connect, …). */
  errorRate?: number;
  errorStatus?: number;
  latencyMs?: number;
  hang?: boolean;
  /** After the message was sent (and recorded as delivered): late 201, reset, unreadable or id-less 2xx. */
  afterSend?: AfterSendFault;
  /** How late the 201 comes with `afterSend: 'delay'` (default 30 s: after any sane client timeout). */
  afterSendDelayMs?: number;
  /**
   * `never`: 201 PENDING and then no receipt at all; `server-ack-only`: SERVER_ACK, never
   * DELIVERY_ACK. Either way the customer never gets the message (recorded as swallowed).
   */
  receipts?: 'normal' | 'never' | 'server-ack-only';
  /** WhatsApp's reach-out timelock: a send to someone this instance never chatted with ends in ERROR (463). */
  reachoutLock?: boolean;
  /** The known Evolution bug: inbound messages are stored (findMessages) but no `messages.upsert` is posted. */
  silentInbound?: boolean;
  /** WhatsApp unreachable from the server: no QR ever comes and a paired session never opens. */
  whatsappUnreachable?: boolean;
}

export interface SimMessage {
  server: string;
  instance: string;
  number: string;
  text: string;
  keyId: string;
  remoteJid: string;
  receivedAt: number;
  delay?: number;
  linkPreview?: boolean;
  /** Set when WhatsApp accepted the send but the customer never got it. */
  swallowed?: 'no-receipts' | 'reachout-lock';
  /** Set when the customer got it but the HTTP answer was late, lost or unreadable. */
  afterSend?: Exclude<AfterSendFault, 'none'>;
}

export interface WebhookOptions {
  ackDelaysMs: [number, number, number] /* SERVER_ACK, DELIVERY_ACK, READ after send */;
  duplicateRate: number /* 0..1 */;
  emitRead: boolean;
  /** Attempts per webhook POST, the first included (Evolution: 10). */
  maxAttempts?: number;
  /** First retry delay, doubling per attempt (Evolution: 5000). Default 20 so tests stay fast. */
  retryBaseMs?: number;
  /** Cap of the retry delay (Evolution: 300000). Default 1000. */
  retryMaxMs?: number;
  /** ± fraction of random jitter on each retry delay (Evolution: 0.2). Default 0. */
  retryJitter?: number;
}

export interface WebhookDelivery {
  url: string;
  event: string;
  ok: boolean;
  attempt: number;
}

/** How long a QR code lives while nobody scans it, and how many are shown before WhatsApp refuses. */
export interface QrOptions {
  ttlMs: number /* Evolution: ~45 s */;
  maxCodes: number /* Evolution's QRCODE_LIMIT: 30, then `refused` and the session closes */;
}

/** Waits the real server has; tests lower them (see `FAST_TIMING`). */
export interface TimingOptions {
  /** `GET /` fetches web.whatsapp.com each call (real: 0.07–5 s). Default 70. */
  welcomeMs: number;
  /** `GET /instance/connect` on a closed instance waits a fixed 2 s before answering. Default 2000. */
  connectWaitMs: number;
  /** `POST /instance/create` with `qrcode:true` waits 5 s before answering. Default 5000. */
  createQrWaitMs: number;
  /** From a socket's start to its first QR, when WhatsApp is reachable. Default 500. */
  firstQrMs: number;
  /** Evolution waits 1 s before asking Baileys for a pairing code, on every QR. Default 1000. */
  pairingCodeMs: number;
  /** A paired session's reconnect (after connect or restart) until `open`. Default 1000. */
  reconnectMs: number;
}

export interface SimulatorOptions {
  servers?: SimServerOptions[];
  webhook?: Partial<WebhookOptions>;
  qr?: Partial<QrOptions>;
  timing?: Partial<TimingOptions>;
  /** DATABASE_SAVE_IS_ON_WHATSAPP_DAYS as milliseconds (default 7 days). */
  isOnWhatsappTtlMs?: number;
  logger?: boolean | object;
}

export interface Simulator {
  app: FastifyInstance;
  control: SimControl;
}

export interface RunningSimulator {
  url: string; // e.g. http://127.0.0.1:41234
  serverUrl(name: string): string; // base URL of one virtual server: `${url}/${name}`
  control: SimControl;
  close(): Promise<void>;
}
