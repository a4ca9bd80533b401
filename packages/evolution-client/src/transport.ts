import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got, { type Got, type Method } from 'got';
import { classifyEvolutionError } from './classify.ts';
import { blockedBaseUrlReason, guardedLookup } from './address-guard.ts';
import { classifyTransportError } from './classify-transport.ts';
import { EvolutionError } from './errors.ts';

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  maxSockets?: number;
}

export interface CallOptions {
  operation: string;
  instance?: string;
  json?: unknown;
  searchParams?: Record<string, string>;
  /** Added to the configured timeout (a send's `delay` keeps the request open that long). */
  extraTimeoutMs?: number;
  /** Replaces the configured timeout for this call. */
  timeoutMs?: number;
}

export interface Transport {
  /** Resolves with the parsed JSON of a success; rejects with an EvolutionError otherwise. */
  call(method: Method, path: string, options: CallOptions): Promise<unknown>;
  close(): void;
}

/**
 * One got instance and one pair of keep-alive agents per server: sends to the same server reuse
 * warm sockets instead of paying TCP (and TLS) setup per message.
 */
export function createTransport(options: TransportOptions): Transport {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? Infinity, scheduling: 'lifo' as const };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  const http: Got = got.extend({
    prefixUrl: options.baseUrl,
    headers: { apikey: options.apiKey, accept: 'application/json' },
    agent: agents,
    // The dispatcher owns retries (fail over to another instance, backoff, circuit); a hidden
    // retry here would double-send messages and hide failures from the ledger.
    retry: { limit: 0 },
    throwHttpErrors: false,
    // A redirect would re-send the apikey header and the message body to wherever it points:
    // never followed; the 3xx is reported as the server's misconfiguration (REDIRECTED).
    followRedirect: false,
    responseType: 'text',
    dnsLookup: guardedLookup as never,
  });
  const refused = blockedBaseUrlReason(options.baseUrl);

  return {
    async call(method, path, call) {
      if (refused) throw addressNotAllowed(call.operation, refused);
      const timeoutMs = (call.timeoutMs ?? options.timeoutMs) + Math.max(0, call.extraTimeoutMs ?? 0);
      let statusCode: number;
      let body: string;
      try {
        const response = await http(path, {
          method,
          json: call.json,
          searchParams: call.searchParams,
          timeout: { request: timeoutMs },
        });
        statusCode = response.statusCode;
        body = response.body;
      } catch (error) {
        throw classifyTransportError(error, { operation: call.operation, timeoutMs });
      }
      const context = { operation: call.operation, instance: call.instance };
      const failure = classifyEvolutionError(statusCode, body, context);
      if (failure) throw failure;
      // classifyEvolutionError has already refused non-JSON success bodies.
      return JSON.parse(body) as unknown;
    },
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

function addressNotAllowed(operation: string, reason: string): EvolutionError {
  return new EvolutionError('ADDRESS_NOT_ALLOWED', {
    message: `${operation}: the server address is not allowed (${reason}); nothing was sent`,
    userMessage:
      'O endereço do servidor Evolution não é permitido (metadados de nuvem ou link-local); nada foi enviado',
  });
}
