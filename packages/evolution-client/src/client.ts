import { normalizeBaseUrl } from './base-url.ts';
import { toEvolutionNumber } from './number.ts';
import {
  parseConnect,
  parseConnectionState,
  parseCreateInstance,
  parseFindMessages,
  parseInstances,
  parseNumberChecks,
  parseSendText,
} from './parse.ts';
import { parseServerCheck } from './server-check.ts';
import { isEvolutionError } from './errors.ts';
import { createTransport } from './transport.ts';
import type {
  ConnectionStateResult,
  ConnectResult,
  CreateInstanceInput,
  CreateInstanceResult,
  EvolutionClientOptions,
  FindMessagesQuery,
  InstanceRow,
  NumberCheck,
  SendTextInput,
  SendTextResult,
  ServerCheck,
  StoredMessage,
  WebhookConfig,
} from './types.ts';

export interface EvolutionClient {
  /** The normalized base URL this client talks to. */
  readonly baseUrl: string;
  sendText(input: SendTextInput): Promise<SendTextResult>;
  connectionState(instance: string): Promise<ConnectionStateResult>;
  /** Every instance row; filtered by name, an unknown name gives `[]`. */
  fetchInstances(filter?: { instanceName?: string }): Promise<InstanceRow[]>;
  /**
   * Verifies URL, key and version (the admin's "check" button): the welcome document, then an
   * authenticated listing. Throws UNAUTHORIZED, UNSUPPORTED_VERSION, UNREACHABLE, BAD_RESPONSE…
   */
  checkServer(): Promise<ServerCheck>;
  createInstance(input: CreateInstanceInput): Promise<CreateInstanceResult>;
  /** QR code (or pairing code when `number` is given) while pairing; the state once open. */
  connect(instance: string, options?: { number?: string }): Promise<ConnectResult>;
  restart(instance: string): Promise<ConnectResult>;
  logout(instance: string): Promise<void>;
  deleteInstance(instance: string): Promise<void>;
  setWebhook(instance: string, webhook: WebhookConfig): Promise<void>;
  checkNumbers(instance: string, numbers: readonly string[]): Promise<NumberCheck[]>;
  /** Messages the server stored for this instance (newest first); needs the server to save messages. */
  findMessages(instance: string, query: FindMessagesQuery): Promise<StoredMessage[]>;
  /** Releases the pooled sockets. Idempotent. */
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const WELCOME_TIMEOUT_MS = 3_000;

function webhookBody(webhook: WebhookConfig) {
  return {
    enabled: webhook.enabled ?? true,
    url: webhook.url,
    headers: webhook.headers ?? {},
    byEvents: webhook.byEvents ?? false,
    base64: webhook.base64 ?? false,
    // The server rejects a missing list on some 2.x versions: always send an array.
    events: [...webhook.events],
  };
}

export function createEvolutionClient(options: EvolutionClientOptions): EvolutionClient {
  const baseUrl = normalizeBaseUrl(options.baseUrl);
  const transport = createTransport({
    baseUrl,
    apiKey: options.apiKey,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxSockets: options.maxSockets,
  });
  const at = (route: string, instance: string) => `${route}/${encodeURIComponent(instance)}`;

  return {
    baseUrl,

    async sendText(input) {
      const delay = input.delay !== undefined && input.delay > 0 ? Math.round(input.delay) : undefined;
      const body = await transport.call('POST', at('message/sendText', input.instance), {
        operation: 'sendText',
        instance: input.instance,
        json: {
          number: toEvolutionNumber(input.number),
          text: input.text,
          linkPreview: input.linkPreview ?? false,
          ...(delay === undefined ? {} : { delay }),
          ...(input.quotedKeyId ? { quoted: { key: { id: input.quotedKeyId } } } : {}),
          ...(input.mentioned ? { mentioned: input.mentioned.map(toEvolutionNumber) } : {}),
        },
        extraTimeoutMs: delay ?? 0,
      });
      return parseSendText(body);
    },

    async connectionState(instance) {
      const body = await transport.call('GET', at('instance/connectionState', instance), {
        operation: 'connectionState',
        instance,
      });
      return parseConnectionState(body, instance);
    },

    async fetchInstances(filter = {}) {
      const searchParams = filter.instanceName ? { instanceName: filter.instanceName } : undefined;
      try {
        const body = await transport.call('GET', 'instance/fetchInstances', {
          operation: 'fetchInstances',
          searchParams,
        });
        return parseInstances(body);
      } catch (error) {
        // Filtering by a name the server does not know is an empty answer, not a failure.
        if (filter.instanceName && isEvolutionError(error) && error.code === 'INSTANCE_NOT_FOUND') return [];
        throw error;
      }
    },

    async checkServer() {
      // POST /verify-creds proves the key without the server going outside (GET / fetches
      // web.whatsapp.com on every call, with no timeout). Older 2.x builds lack the route.
      let verified = false;
      try {
        await transport.call('POST', 'verify-creds', { operation: 'checkServer' });
        verified = true;
      } catch (error) {
        if (!(isEvolutionError(error) && error.code === 'ROUTE_NOT_FOUND')) throw error;
      }
      const rows = await transport.call('GET', 'instance/fetchInstances', { operation: 'checkServer' });
      // The welcome document only adds the version: a short look, and no failure if it hangs.
      const welcome = await transport
        .call('GET', '', { operation: 'checkServer', timeoutMs: WELCOME_TIMEOUT_MS })
        .catch((error: unknown) => {
          if (!verified) throw error;
          return undefined;
        });
      return parseServerCheck(welcome, rows, verified);
    },

    async createInstance(input) {
      const body = await transport.call('POST', 'instance/create', {
        operation: 'createInstance',
        instance: input.instanceName,
        json: {
          instanceName: input.instanceName,
          integration: 'WHATSAPP-BAILEYS',
          ...(input.token ? { token: input.token } : {}),
          ...(input.qrcode === undefined ? {} : { qrcode: input.qrcode }),
          ...(input.number ? { number: toEvolutionNumber(input.number) } : {}),
          ...(input.webhook ? { webhook: webhookBody(input.webhook) } : {}),
        },
      });
      return parseCreateInstance(body, input.instanceName);
    },

    async connect(instance, connectOptions = {}) {
      const searchParams = connectOptions.number ? { number: toEvolutionNumber(connectOptions.number) } : undefined;
      const body = await transport.call('GET', at('instance/connect', instance), {
        operation: 'connect',
        instance,
        searchParams,
      });
      return parseConnect(body, instance, 'connect');
    },

    async restart(instance) {
      const body = await transport.call('POST', at('instance/restart', instance), { operation: 'restart', instance });
      // Older 2.x builds answer a bare `{status:"SUCCESS"}`: the restart happened, state unknown.
      const status = (body as { status?: unknown } | null)?.status;
      if (status === 'SUCCESS') return { kind: 'state', instanceName: instance, state: null };
      return parseConnect(body, instance, 'restart');
    },

    async logout(instance) {
      await transport.call('DELETE', at('instance/logout', instance), { operation: 'logout', instance });
    },

    async deleteInstance(instance) {
      await transport.call('DELETE', at('instance/delete', instance), { operation: 'deleteInstance', instance });
    },

    async setWebhook(instance, webhook) {
      await transport.call('POST', at('webhook/set', instance), {
        operation: 'setWebhook',
        instance,
        json: { webhook: webhookBody(webhook) },
      });
    },

    async checkNumbers(instance, numbers) {
      const body = await transport.call('POST', at('chat/whatsappNumbers', instance), {
        operation: 'checkNumbers',
        instance,
        json: { numbers: numbers.map(toEvolutionNumber) },
      });
      return parseNumberChecks(body);
    },

    async findMessages(instance, query) {
      const key = {
        ...(query.remoteJid ? { remoteJid: query.remoteJid } : {}),
        ...(query.fromMe ? { fromMe: true } : {}),
        ...(query.keyId ? { id: query.keyId } : {}),
      };
      const body = await transport.call('POST', at('chat/findMessages', instance), {
        operation: 'findMessages',
        instance,
        json: {
          where: {
            ...(Object.keys(key).length > 0 ? { key } : {}),
            ...(query.between
              ? { messageTimestamp: { gte: query.between.from.toISOString(), lte: query.between.to.toISOString() } }
              : {}),
          },
          page: query.page ?? 1,
          offset: query.pageSize ?? 50,
        },
      });
      return parseFindMessages(body);
    },

    close() {
      transport.close();
    },
  };
}
