// In-memory state of every virtual server and database. Lookups on the send path are Map gets only.
import { SimControlError } from './errors.ts';
import { newToken, newUuid } from './ids.ts';
import { REAL_TIMING } from './timing.ts';
import { toWebhookTarget } from './webhook-target.ts';
import {
  defaultInstanceFaults,
  defaultServerFaults,
  defaultWebhookOptions,
  type DatabaseRecord,
  type InstanceRecord,
  type ServerRecord,
  type StoredMessage,
} from './records.ts';
import type {
  QrOptions,
  SimInstanceOptions,
  SimMessage,
  SimServerOptions,
  TimingOptions,
  WebhookDelivery,
  WebhookOptions,
} from './types.ts';

export type { DatabaseRecord, InstanceRecord, ServerRecord, StoredMessage, WebhookTarget } from './records.ts';
export { defaultInstanceFaults, defaultServerFaults, defaultWebhookOptions, isFaulty } from './records.ts';
export { toWebhookTarget } from './webhook-target.ts';

const SEVEN_DAYS_MS = 7 * 24 * 3_600_000;

/** Enough history for any test or benchmark assertion without letting a long run grow unbounded. */
const MAX_MESSAGES = 200_000;
const MAX_DELIVERIES = 50_000;
/** findMessages rows across all instances: benchmarks send far more than any test reads back. */
const MAX_STORED = 50_000;

export interface StoreOptions {
  webhook?: Partial<WebhookOptions>;
  qr?: Partial<QrOptions>;
  timing?: Partial<TimingOptions>;
  isOnWhatsappTtlMs?: number;
}

export class SimStore {
  readonly servers = new Map<string, ServerRecord>();
  readonly databases = new Map<string, DatabaseRecord>();
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
  readonly timing: TimingOptions;
  readonly isOnWhatsappTtlMs: number;
  /** How many findMessages rows all instances hold (bounded by MAX_STORED). */
  private storedTotal = 0;
  /** Pending session timers (QR expiry, first QR, reconnects), cleared when the app closes. */
  readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: StoreOptions = {}) {
    this.webhook = { ...defaultWebhookOptions(), ...options.webhook };
    this.qr = { ttlMs: 45_000, maxCodes: 30, ...options.qr };
    this.timing = { ...REAL_TIMING, ...options.timing };
    this.isOnWhatsappTtlMs = options.isOnWhatsappTtlMs ?? SEVEN_DAYS_MS;
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

  /** A database by name, or the one a server of that name uses. */
  database(name: string): DatabaseRecord {
    const database = this.databases.get(name) ?? this.servers.get(name)?.database;
    if (!database) throw new SimControlError(404, 'DATABASE_NOT_FOUND', `unknown database "${name}"`);
    return database;
  }

  private databaseFor(name: string): DatabaseRecord {
    let database = this.databases.get(name);
    if (!database) {
      database = { name, rows: new Map(), onWhatsapp: new Map() };
      this.databases.set(name, database);
    }
    return database;
  }

  addServer(options: SimServerOptions): ServerRecord {
    if (!/^[A-Za-z0-9._~-]+$/.test(options.name) || options.name === '__sim') {
      throw new SimControlError(400, 'INVALID_SERVER_NAME', `server name "${options.name}" is not URL-safe`);
    }
    if (this.servers.has(options.name))
      throw new SimControlError(409, 'SERVER_EXISTS', `server "${options.name}" already exists`);
    const server: ServerRecord = {
      name: options.name,
      apiKey: options.apiKey,
      version: options.version ?? 'v2',
      instances: new Map(),
      database: this.databaseFor(options.database ?? options.name),
      clientName: options.clientName ?? 'evolution_exchange',
      saveMessages: options.saveMessages ?? true,
      faults: defaultServerFaults(),
      faulty: false,
    };
    this.servers.set(server.name, server);
    for (const instance of options.instances ?? []) this.addInstance(server.name, instance);
    return server;
  }

  addInstance(serverName: string, options: SimInstanceOptions & { integration?: string }): InstanceRecord {
    const server = this.server(serverName);
    if (server.instances.has(options.name) || server.database.rows.has(options.name)) {
      throw new SimControlError(
        409,
        'INSTANCE_EXISTS',
        `instance "${options.name}" already exists on "${serverName}" or its database`,
      );
    }
    const now = new Date().toISOString();
    const state = options.state ?? 'open';
    const record: InstanceRecord = {
      server,
      name: options.name,
      id: newUuid(),
      token: options.token ?? newToken(),
      state,
      session: state === 'open' ? 'paired' : (options.session ?? 'paired'),
      integration: options.integration ?? 'WHATSAPP-BAILEYS',
      ownerNumber: options.ownerNumber,
      profileName: options.profileName ?? options.name,
      webhook: options.webhook ? toWebhookTarget(options.webhook) : undefined,
      webhookRowId: newUuid(),
      faults: defaultInstanceFaults(),
      qrcode: { count: 0 },
      phoneNumber: undefined,
      epoch: 0,
      disconnectionReasonCode: null,
      settings: {
        groupsIgnore: options.settings?.groupsIgnore ?? false,
        readStatus: options.settings?.readStatus ?? false,
      },
      log: [],
      chats: new Set(),
      contacts: new Map(),
      rowDeleted: false,
      createdAt: options.createdAt ?? now,
      updatedAt: now,
    };
    server.instances.set(record.name, record);
    server.database.rows.set(record.name, record);
    return record;
  }

  /** Removes an instance from its host's memory and, unless already gone, its database row. */
  removeInstance(instance: InstanceRecord): void {
    instance.epoch++;
    this.storedTotal -= instance.log.length;
    instance.log = [];
    instance.server.instances.delete(instance.name);
    const { rows } = instance.server.database;
    if (rows.get(instance.name) === instance) rows.delete(instance.name);
  }

  recordMessage(message: SimMessage): void {
    if (this.messages.length >= MAX_MESSAGES) this.messages.splice(0, MAX_MESSAGES / 10);
    this.messages.push(message);
  }

  /** A `Message` row, when the server saves messages at all. */
  storeMessage(instance: InstanceRecord, stored: StoredMessage): void {
    if (!instance.server.saveMessages) return;
    if (this.storedTotal >= MAX_STORED) this.trimStored(instance);
    instance.log.push(stored);
    this.storedTotal++;
  }

  /** Drops the oldest tenth of the busiest log (this instance's, unless it is small). */
  private trimStored(preferred: InstanceRecord): void {
    let victim = preferred;
    if (victim.log.length < MAX_STORED / 100) {
      for (const server of this.servers.values())
        for (const i of server.instances.values()) if (i.log.length > victim.log.length) victim = i;
    }
    const n = Math.max(1, Math.ceil(victim.log.length / 10));
    victim.log.splice(0, n);
    this.storedTotal -= n;
  }

  recordDelivery(delivery: WebhookDelivery): void {
    if (this.deliveries.length >= MAX_DELIVERIES) this.deliveries.splice(0, MAX_DELIVERIES / 10);
    this.deliveries.push(delivery);
  }

  /** Schedules session work that must not outlive the app (unref'd, cleared on close). */
  later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) fn();
    }, ms).unref();
    this.timers.add(timer);
  }

  reset(): void {
    for (const server of this.servers.values()) {
      server.faults = defaultServerFaults();
      server.faulty = false;
      for (const instance of server.instances.values()) {
        instance.faults = defaultInstanceFaults();
        instance.log = [];
        instance.chats.clear();
        instance.contacts.clear();
      }
    }
    for (const database of this.databases.values()) database.onWhatsapp.clear();
    this.storedTotal = 0;
    this.generation++;
    this.unregistered.clear();
    this.messages = [];
    this.deliveries = [];
    this.webhook = { ...defaultWebhookOptions(), ...this.options.webhook };
  }
}
