// The simulator's public option and control types. Other packages test against these exact shapes.
import type { FastifyInstance } from 'fastify';

export type SimState = 'open' | 'connecting' | 'close';

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

export interface SimInstanceOptions {
  name: string;
  state?: SimState /* default 'open' */;
  token?: string;
  ownerNumber?: string /* digits */;
  profileName?: string;
  webhook?: SimWebhookConfig;
}

export interface SimServerOptions {
  name: string /* URL-safe, e.g. 'evo1' */;
  apiKey: string;
  version?: 'v2' | 'v1';
  instances?: SimInstanceOptions[];
}

export interface ServerFaults {
  errorRate: number; // 0..1 fraction of requests answered with `errorStatus`
  errorStatus: number; // default 500
  latencyMs: number; // added to every request
  hang: boolean; // never answer (client must time out)
  reset: boolean; // destroy the socket without answering (connection reset)
}

export interface InstanceFaults {
  sendError: 'none' | 'connection-closed' | 'connection-closed-500' | 'typeerror-500';
  /** Connect and restart answer Evolution's 200 `{"error":true,"message":"[object Object]"}`. */
  connectError?: boolean;
  /** Like the server faults, but only on the routes naming this instance (sendText, connect, …). */
  errorRate?: number;
  errorStatus?: number;
  latencyMs?: number;
  hang?: boolean;
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
}

export interface WebhookOptions {
  ackDelaysMs: [number, number, number] /* SERVER_ACK, DELIVERY_ACK, READ after send */;
  duplicateRate: number /* 0..1 */;
  emitRead: boolean;
  /** Attempts per webhook POST, the first included (Evolution: 10). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt, capped at 1 s. */
  retryBaseMs?: number;
}

export interface WebhookDelivery {
  url: string;
  event: string;
  ok: boolean;
  attempt: number;
}

export interface SimControl {
  addServer(server: SimServerOptions): void;
  addInstance(server: string, instance: SimInstanceOptions): void;
  setInstanceState(server: string, instance: string, state: SimState | 'refused'): void; // emits connection.update
  setServerFaults(server: string, faults: Partial<ServerFaults>): void;
  setInstanceFaults(server: string, instance: string, faults: Partial<InstanceFaults>): void;
  markUnregistered(numbers: string[]): void; // these numbers answer 400 exists:false
  setWebhookOptions(options: Partial<WebhookOptions>): void;
  messages(filter?: { server?: string; instance?: string }): SimMessage[];
  clearMessages(): void;
  webhookDeliveries(): WebhookDelivery[];
  reset(): void; // clears faults, messages, unregistered numbers
}

/** How long a QR code lives while nobody scans it, and how many are shown before WhatsApp refuses. */
export interface QrOptions {
  ttlMs: number /* Evolution: ~45 s */;
  maxCodes: number /* Evolution's QRCODE_LIMIT: 30, then `refused` and the session closes */;
}

export interface SimulatorOptions {
  servers?: SimServerOptions[];
  webhook?: Partial<WebhookOptions>;
  qr?: Partial<QrOptions>;
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
