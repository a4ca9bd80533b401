// In-memory state of every virtual server. Lookups on the send path are Map gets only.
import { SimControlError } from './errors.ts';
import { newToken, newUuid, type QrCode } from './ids.ts';
import type {
  InstanceFaults,
  QrOptions,
  ServerFaults,
  SimInstanceOptions,
  SimMessage,
  SimServerOptions,
  SimState,
  SimWebhookConfig,
  WebhookDelivery,
  WebhookOptions,
} from './types.ts';

export interface WebhookTarget {
  url: string;
  enabled: boolean;
  /** null = every event. */
  events: Set<string> | null;
  headers: Record<string, string>;
  byEvents: boolean;
  base64: boolean;
}

export interface InstanceRecord {
  server: ServerRecord;
  name: string;
  id: string;
  token: string;
  state: SimState;
  integration: string;
  ownerNumber: string | undefined;
  profileName: string;
  webhook: WebhookTarget | undefined;
  webhookRowId: string;
  faults: InstanceFaults;
  qr: QrCode | undefined;
  disconnectionReasonCode: number | null;
  messageCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface ServerRecord {
  name: string;
  apiKey: string;
  version: 'v2' | 'v1';
  instances: Map<string, InstanceRecord>;
  faults: ServerFaults;
  /** Cheap check for the request hook: most servers never get a fault. */
  faulty: boolean;
}

export const defaultServerFaults = (): ServerFaults => ({ errorRate: 0, errorStatus: 500, latencyMs: 0, hang: false, reset: false });
export const defaultInstanceFaults = (): InstanceFaults => ({
  sendError: 'none',
  connectError: false,
  errorRate: 0,
  errorStatus: 500,
  latencyMs: 0,
  hang: false,
});
export const defaultWebhookOptions = (): Required<WebhookOptions> => ({
  ackDelaysMs: [50, 150, 300],
  duplicateRate: 0,
  emitRead: true,
  maxAttempts: 10,
  retryBaseMs: 20,
});

/** Enough history for any test or benchmark assertion without letting a long run grow unbounded. */
const MAX_MESSAGES = 200_000;
const MAX_DELIVERIES = 50_000;

export function toWebhookTarget(config: SimWebhookConfig): WebhookTarget {
  return {
    url: config.url,
    enabled: config.enabled ?? true,
    events: config.events && config.events.length > 0 ? new Set(config.events.map((e) => e.toUpperCase())) : null,
    headers: { ...(config.headers ?? {}) },
    byEvents: config.byEvents ?? false,
    base64: config.base64 ?? false,
  };
}

export function isFaulty(f: ServerFaults): boolean {
  return f.errorRate > 0 || f.latencyMs > 0 || f.hang || f.reset;
}

export class SimStore {
  readonly servers = new Map<string, ServerRecord>();
  readonly unregistered = new Set<string>();
  messages: SimMessage[] = [];
  deliveries: WebhookDelivery[] = [];
  webhook: Required<WebhookOptions>;
  /** Public base URL of the process, set once listening; used for webhooks' `server_url`. */
  publicUrl = 'http://localhost';
  closed = false;
  /** Bumped by reset(): webhook work scheduled before it (acks, retries) is dropped, not delivered late. */
  generation = 0;
  readonly qr: QrOptions;
  /** Pending QR expiries, cleared when the app closes. */
  readonly qrTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly initialWebhook: Partial<WebhookOptions> = {},
    qr: Partial<QrOptions> = {},
  ) {
    this.webhook = { ...defaultWebhookOptions(), ...initialWebhook };
    this.qr = { ttlMs: 45_000, maxCodes: 30, ...qr };
  }

  server(name: string): ServerRecord {
    const server = this.servers.get(name);
    if (!server) throw new SimControlError(404, 'SERVER_NOT_FOUND', `unknown server "${name}"`);
    return server;
  }

  instance(server: string, name: string): InstanceRecord {
    const instance = this.server(server).instances.get(name);
    if (!instance) throw new SimControlError(404, 'INSTANCE_NOT_FOUND', `unknown instance "${name}" on "${server}"`);
    return instance;
  }

  addServer(options: SimServerOptions): ServerRecord {
    if (!/^[A-Za-z0-9._~-]+$/.test(options.name) || options.name === '__sim') {
      throw new SimControlError(400, 'INVALID_SERVER_NAME', `server name "${options.name}" is not URL-safe`);
    }
    if (this.servers.has(options.name)) throw new SimControlError(409, 'SERVER_EXISTS', `server "${options.name}" already exists`);
    const server: ServerRecord = {
      name: options.name,
      apiKey: options.apiKey,
      version: options.version ?? 'v2',
      instances: new Map(),
      faults: defaultServerFaults(),
      faulty: false,
    };
    this.servers.set(server.name, server);
    for (const instance of options.instances ?? []) this.addInstance(server.name, instance);
    return server;
  }

  addInstance(serverName: string, options: SimInstanceOptions & { integration?: string }): InstanceRecord {
    const server = this.server(serverName);
    if (server.instances.has(options.name)) {
      throw new SimControlError(409, 'INSTANCE_EXISTS', `instance "${options.name}" already exists on "${serverName}"`);
    }
    const now = new Date().toISOString();
    const record: InstanceRecord = {
      server,
      name: options.name,
      id: newUuid(),
      token: options.token ?? newToken(),
      state: options.state ?? 'open',
      integration: options.integration ?? 'WHATSAPP-BAILEYS',
      ownerNumber: options.ownerNumber,
      profileName: options.profileName ?? options.name,
      webhook: options.webhook ? toWebhookTarget(options.webhook) : undefined,
      webhookRowId: newUuid(),
      faults: defaultInstanceFaults(),
      qr: undefined,
      disconnectionReasonCode: null,
      messageCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    server.instances.set(record.name, record);
    return record;
  }

  recordMessage(message: SimMessage): void {
    if (this.messages.length >= MAX_MESSAGES) this.messages.splice(0, MAX_MESSAGES / 10);
    this.messages.push(message);
  }

  recordDelivery(delivery: WebhookDelivery): void {
    if (this.deliveries.length >= MAX_DELIVERIES) this.deliveries.splice(0, MAX_DELIVERIES / 10);
    this.deliveries.push(delivery);
  }

  reset(): void {
    for (const server of this.servers.values()) {
      server.faults = defaultServerFaults();
      server.faulty = false;
      for (const instance of server.instances.values()) instance.faults = defaultInstanceFaults();
    }
    this.generation++;
    this.unregistered.clear();
    this.messages = [];
    this.deliveries = [];
    this.webhook = { ...defaultWebhookOptions(), ...this.initialWebhook };
  }
}
