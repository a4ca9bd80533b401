// Evolution's webhook sender: JSON envelopes POSTed to each instance's URL, retried with backoff.
import type { FastifyBaseLogger } from 'fastify';
import { saoPauloDateTime } from './ids.ts';
import type { InstanceRecord, SimStore } from './store.ts';
import { sleep } from './sleep.ts';

export { CONFIG_EVENTS } from './webhook-target.ts';

/** Config name (UPPER_SNAKE) → payload name (dotted lowercase), for the events the sim emits. */
export const EVENT_NAMES: Record<string, string> = {
  SEND_MESSAGE: 'send.message',
  MESSAGES_UPSERT: 'messages.upsert',
  MESSAGES_UPDATE: 'messages.update',
  CONNECTION_UPDATE: 'connection.update',
  QRCODE_UPDATED: 'qrcode.updated',
  LOGOUT_INSTANCE: 'logout.instance',
  STATUS_INSTANCE: 'status.instance',
  INSTANCE_CREATE: 'instance.create',
  INSTANCE_DELETE: 'instance.delete',
  REMOVE_INSTANCE: 'remove.instance',
};

// Evolution gives up at once on these: the receiver said the request itself is wrong.
const NON_RETRYABLE = new Set([400, 401, 403, 404, 422]);
const POST_TIMEOUT_MS = 5_000;

export class WebhookEmitter {
  constructor(
    private readonly store: SimStore,
    private readonly log: FastifyBaseLogger,
  ) {}

  wants(instance: InstanceRecord, configName: string): boolean {
    const target = instance.webhook;
    return !!target && target.enabled && target.sendable && target.events.has(configName);
  }

  /** Tail of the delivery chain per ordering key; an entry is removed once its chain drains. */
  private readonly chains = new Map<string, Promise<void>>();

  /**
   * Posts one event. Events sharing `orderKey` are delivered one after another (retries included),
   * the way Evolution awaits each webhook while processing one instance's event stream: a message's
   * acks never overtake its send.message, while different messages go out in parallel.
   */
  emit(instance: InstanceRecord, configName: string, data: unknown, orderKey: string = instance.id): void {
    if (this.store.closed || !this.wants(instance, configName)) return;
    const target = instance.webhook!;
    const event = EVENT_NAMES[configName] ?? configName.toLowerCase().replace(/_/g, '.');
    const url = target.byEvents
      ? `${target.url.replace(/\/$/, '')}/${configName.toLowerCase().replace(/_/g, '-')}`
      : target.url;
    const body = JSON.stringify({
      event,
      instance: instance.name,
      data,
      destination: url,
      date_time: saoPauloDateTime(),
      // Evolution sends the session's WhatsApp id; with none the field is simply absent.
      sender: instance.ownerNumber ? `${instance.ownerNumber}@s.whatsapp.net` : undefined,
      server_url: `${this.store.publicUrl}/${instance.server.name}`,
      apikey: null,
    });
    const headers = { 'content-type': 'application/json', ...target.headers };
    const copies = this.store.webhook.duplicateRate > 0 && Math.random() < this.store.webhook.duplicateRate ? 2 : 1;
    const generation = this.store.generation;
    const next = (this.chains.get(orderKey) ?? Promise.resolve()).then(async () => {
      for (let i = 0; i < copies; i++) await this.deliver(url, event, body, headers, generation);
    });
    this.chains.set(orderKey, next);
    void next.then(() => {
      if (this.chains.get(orderKey) === next) this.chains.delete(orderKey);
    });
  }

  /** Evolution's retryWebhookRequest: base × 2^(n-1), capped, ± jitter, never below the base. */
  private retryDelay(attempt: number): number {
    const { retryBaseMs, retryMaxMs, retryJitter } = this.store.webhook;
    const next = Math.min(retryBaseMs * 2 ** (attempt - 1), retryMaxMs);
    if (!retryJitter) return next;
    return Math.max(retryBaseMs, next + next * retryJitter * (Math.random() * 2 - 1));
  }

  /** One POST with Evolution's retries; never rejects, so a dead target cannot hurt the sim. */
  private async deliver(
    url: string,
    event: string,
    body: string,
    headers: Record<string, string>,
    generation: number,
  ): Promise<void> {
    const { maxAttempts } = this.store.webhook;
    const current = () => !this.store.closed && generation === this.store.generation;
    for (let attempt = 1; attempt <= maxAttempts && current(); attempt++) {
      let status = 0;
      try {
        const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(POST_TIMEOUT_MS) });
        status = res.status;
        await res.body?.cancel();
      } catch (err) {
        this.log.debug({ err, event, attempt }, 'webhook POST failed');
      }
      const ok = status >= 200 && status < 300;
      if (!current()) return;
      this.store.recordDelivery({ url, event, ok, attempt });
      if (ok || NON_RETRYABLE.has(status) || attempt === maxAttempts) return;
      await sleep(this.retryDelay(attempt));
    }
  }
}
