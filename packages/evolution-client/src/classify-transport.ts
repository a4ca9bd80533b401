import { EvolutionError } from './errors.ts';

/** Socket-level codes that mean "could not talk to the server" (before or during the exchange). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_SOCKET_CLOSED',
]);

/**
 * got's errors reference the request options (headers included, so the apikey); the cause we keep
 * is a plain copy of what is safe to log.
 */
function safeCause(error: unknown, code: string | undefined): Error {
  const copy = new Error(error instanceof Error ? error.message : String(error));
  copy.name = error instanceof Error ? error.name : 'Error';
  if (code) Object.assign(copy, { code });
  return copy;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Turns an error thrown while talking to the server (got's RequestError and friends, or a bare
 * Node socket error) into an EvolutionError. Pure: reads only `name`, `code` and `cause`.
 */
export function classifyTransportError(error: unknown, context: { operation?: string; timeoutMs?: number } = {}): EvolutionError {
  if (error instanceof EvolutionError) return error;
  const prefix = context.operation ? `${context.operation}: ` : '';
  const name = (error as { name?: unknown } | null)?.name;
  const code = errorCode(error) ?? errorCode((error as { cause?: unknown } | null)?.cause);
  const cause = safeCause(error, code);

  if (name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') {
    const after = context.timeoutMs === undefined ? '' : ` after ${context.timeoutMs} ms`;
    return new EvolutionError('TIMEOUT', {
      message: `${prefix}The server did not answer${after}`,
      userMessage: 'O servidor Evolution não respondeu a tempo',
      cause,
    });
  }
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new EvolutionError('UNREACHABLE', {
      message: `${prefix}Cannot reach the server (${code})`,
      userMessage: 'Servidor Evolution inacessível',
      cause,
    });
  }
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return new EvolutionError('UNREACHABLE', {
      message: `${prefix}TLS handshake with the server failed (${code})`,
      userMessage: 'Servidor Evolution inacessível: certificado HTTPS inválido',
      cause,
    });
  }
  if (code?.startsWith('HPE_')) {
    return new EvolutionError('BAD_RESPONSE', {
      message: `${prefix}The server's answer is not valid HTTP (${code})`,
      userMessage: 'Resposta inesperada do servidor Evolution: verifique se a URL aponta para uma Evolution API',
      cause,
    });
  }
  // Anything else (a half-read body, a parser error) is still the server's side of the exchange.
  const detail = error instanceof Error ? error.message : String(error);
  return new EvolutionError('UNREACHABLE', {
    message: `${prefix}Request to the server failed${code ? ` (${code})` : ''}: ${detail}`,
    userMessage: 'Servidor Evolution inacessível',
    cause,
  });
}
