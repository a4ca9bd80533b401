import { ADDRESS_BLOCKED } from './address-guard.ts';
import { EvolutionError } from './errors.ts';

/** Socket-level codes that mean "could not talk to the server" (before or during the exchange). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  // Reset codes too: before the request was written (see RESET_CODES) they are plain unreachability.
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

/** Socket codes that, once the request was written, mean the server may have acted on it. */
const RESET_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_SOCKET_CLOSED']);

/**
 * Whether the whole request had been handed to the network when it failed (got's `timings.upload`).
 * From then on the server may have read it and sent the message, whatever happens to the answer;
 * before, the server cannot have acted on it (DNS, refused, TLS, connect).
 */
function requestWritten(error: unknown): boolean {
  const timings = (error as { timings?: { upload?: unknown } } | null)?.timings;
  return typeof timings?.upload === 'number';
}

/**
 * Turns an error thrown while talking to the server (got's RequestError and friends, or a bare
 * Node socket error) into an EvolutionError, by phase: failures before the request was written
 * are `not-sent` (safe to fail over), failures after it are `unknown` (a timeout, a reset, a
 * garbled answer: the message may have gone out). Pure: reads only `name`, `code`, `timings`, `cause`.
 */
export function classifyTransportError(
  error: unknown,
  context: { operation?: string; timeoutMs?: number } = {},
): EvolutionError {
  if (error instanceof EvolutionError) return error;
  const prefix = context.operation ? `${context.operation}: ` : '';
  const name = (error as { name?: unknown } | null)?.name;
  const code = errorCode(error) ?? errorCode((error as { cause?: unknown } | null)?.cause);
  const cause = safeCause(error, code);
  const written = requestWritten(error);

  if (name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') {
    const after = context.timeoutMs === undefined ? '' : ` after ${context.timeoutMs} ms`;
    if (!written) {
      return new EvolutionError('CONNECT_TIMEOUT', {
        message: `${prefix}Could not connect to the server${after}`,
        userMessage: 'Não foi possível conectar ao servidor Evolution a tempo',
        cause,
      });
    }
    return new EvolutionError('TIMEOUT', {
      message: `${prefix}The server did not answer${after} (the request was sent: outcome unknown)`,
      userMessage: 'O servidor Evolution não respondeu a tempo; a mensagem pode ter sido enviada',
      cause,
    });
  }
  if (written && code !== undefined && RESET_CODES.has(code)) {
    // A reset while reading an answer that had started (got's ReadError) is a garbled answer.
    if (name === 'ReadError') return garbled(prefix, code, cause);
    return new EvolutionError('CONNECTION_RESET', {
      message: `${prefix}The connection was closed after the request was sent (${code}): outcome unknown`,
      userMessage: 'A conexão com o servidor Evolution caiu depois do envio; a mensagem pode ter sido enviada',
      cause,
    });
  }
  if (code === ADDRESS_BLOCKED) {
    return new EvolutionError('ADDRESS_NOT_ALLOWED', {
      message: `${prefix}The server's name resolves to an address that is not allowed (cloud metadata or link-local); nothing was sent`,
      userMessage:
        'O endereço do servidor Evolution resolve para um endereço não permitido (metadados de nuvem ou link-local); nada foi enviado',
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
  if (code?.startsWith('HPE_') || name === 'ReadError' || name === 'ParseError')
    return garbled(prefix, code, cause, written);
  // Anything else after the request was written may still have reached the server.
  const detail = error instanceof Error ? error.message : String(error);
  return new EvolutionError('UNREACHABLE', {
    message: `${prefix}Request to the server failed${code ? ` (${code})` : ''}: ${detail}`,
    userMessage: 'Servidor Evolution inacessível',
    cause,
    outcome: written ? 'unknown' : 'not-sent',
  });
}

/** An answer that is not valid HTTP or broke off half-way: the server answered, so it may have sent. */
function garbled(prefix: string, code: string | undefined, cause: Error, written = true): EvolutionError {
  return new EvolutionError('BAD_RESPONSE', {
    message: `${prefix}The server's answer is not valid HTTP or was cut off${code ? ` (${code})` : ''}`,
    userMessage: 'Resposta ilegível do servidor Evolution: verifique se a URL aponta para uma Evolution API',
    cause,
    outcome: written ? 'unknown' : 'not-sent',
  });
}
