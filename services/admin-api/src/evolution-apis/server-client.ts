import type { AdminApiConfig } from '@bora/config';
import { AppError, decryptSecret } from '@bora/core';
import type { EvolutionHealth } from '@bora/db';
import { createEvolutionClient, isEvolutionError, webhookFor, type EvolutionClient } from '@bora/evolution-client';

export interface StoredServer {
  id: string;
  url: string;
  apiKeyEncrypted: string;
  webhookSecretEncrypted: string;
}

/**
 * Runs `fn` with a client for one stored server and always releases its sockets. The key is
 * decrypted only here, into the client's header, and never leaves this function.
 */
export async function withServerClient<T>(
  config: Pick<AdminApiConfig, 'secretKey' | 'evolutionTimeoutMs'>,
  server: Pick<StoredServer, 'url' | 'apiKeyEncrypted'>,
  fn: (client: EvolutionClient) => Promise<T>,
): Promise<T> {
  const client = createEvolutionClient({
    baseUrl: server.url,
    apiKey: decryptSecret(server.apiKeyEncrypted, config.secretKey),
    timeoutMs: config.evolutionTimeoutMs,
  });
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** The webhook config Evolution must use to reach us for this server. */
export function webhookConfigFor(config: Pick<AdminApiConfig, 'secretKey' | 'publicUrl'>, server: StoredServer) {
  return webhookFor(config.publicUrl, server.id, decryptSecret(server.webhookSecretEncrypted, config.secretKey));
}

/** A server-level failure says something about the server's health; an instance-level one does not. */
export function healthFromError(error: unknown): EvolutionHealth | undefined {
  if (!isEvolutionError(error)) return 'unreachable';
  switch (error.code) {
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
      return 'unauthorized';
    case 'UNSUPPORTED_VERSION':
    case 'REDIRECTED':
    case 'ADDRESS_NOT_ALLOWED':
    case 'BAD_RESPONSE':
    case 'ROUTE_NOT_FOUND':
      return 'incompatible';
    case 'UNREACHABLE':
    case 'CONNECT_TIMEOUT':
    case 'CONNECTION_RESET':
    case 'TIMEOUT':
    case 'SERVER_ERROR':
    case 'RATE_LIMITED':
      return 'unreachable';
    default:
      return undefined;
  }
}

/** The operator-facing pt-BR sentence for any failure talking to Evolution. */
export function userMessageOf(error: unknown): string {
  return isEvolutionError(error) ? error.userMessage : 'Falha inesperada ao falar com o servidor Evolution';
}

/** A failed call made on the operator's behalf: 502, with the pt-BR reason and the client's code. */
export function evolutionFailure(error: unknown, what: string): AppError {
  const code = isEvolutionError(error) ? error.code : 'UNKNOWN';
  const status = code === 'INSTANCE_NAME_IN_USE' ? 409 : code === 'INSTANCE_NOT_FOUND' ? 404 : 502;
  return new AppError('EVOLUTION_REQUEST_FAILED', `${what}: ${userMessageOf(error)}`, {
    statusCode: status,
    details: { evolutionCode: code },
  });
}

/**
 * What to log about an Evolution failure. Never the error object itself: its `cause` is the HTTP
 * library's error, whose request options carry the `apikey` header deeper than redaction reaches.
 */
export function errorFields(error: unknown): { code: string; httpStatus?: number; message: string } {
  if (isEvolutionError(error)) return { code: error.code, httpStatus: error.httpStatus, message: error.message };
  return { code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error) };
}
