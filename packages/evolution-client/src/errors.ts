/**
 * Whose fault a failure is, which decides what the dispatcher does next:
 * - `recipient`: the destination number itself (fail the notification at once, never retry);
 * - `request`: what we sent (a bug or bad input; retrying the same request cannot help);
 * - `instance`: the WhatsApp instance (fail over to another sender, retry later);
 * - `server`: the Evolution server or the network to it (fail over, retry, count towards its circuit);
 * - `auth`: the server's registration — its API key, or a URL that redirects elsewhere (stop routing
 *   to that server and alert an operator).
 *
 * Separately, `outcome` says whether a failed send may still have reached the customer:
 * `not-sent` (the server refused it, or the request never left), or `unknown` (the request was
 * written and no readable answer came: a response timeout, a reset, an unreadable 2xx). An unknown
 * send must never be retried or failed over blindly: the message may be on its way.
 */
export type EvolutionErrorScope = 'recipient' | 'request' | 'instance' | 'server' | 'auth';

export type SendOutcome = 'not-sent' | 'unknown';

/** Scope, retry flag and (for a send) outcome per code, so the same code can never be classified two ways. */
const KINDS = {
  NUMBER_NOT_ON_WHATSAPP: { scope: 'recipient', retryable: false },
  INVALID_NUMBER: { scope: 'recipient', retryable: false },
  INVALID_REQUEST: { scope: 'request', retryable: false },
  EMPTY_TEXT: { scope: 'request', retryable: false },
  INSTANCE_NAME_IN_USE: { scope: 'request', retryable: false },
  INVALID_BASE_URL: { scope: 'request', retryable: false },
  INSTANCE_NOT_FOUND: { scope: 'instance', retryable: false },
  INSTANCE_NOT_CONNECTED: { scope: 'instance', retryable: true },
  INSTANCE_UNAVAILABLE: { scope: 'instance', retryable: true },
  INSTANCE_ACTION_FAILED: { scope: 'instance', retryable: true },
  UNAUTHORIZED: { scope: 'auth', retryable: false },
  FORBIDDEN: { scope: 'auth', retryable: false },
  REDIRECTED: { scope: 'auth', retryable: false },
  ADDRESS_NOT_ALLOWED: { scope: 'auth', retryable: false },
  ROUTE_NOT_FOUND: { scope: 'server', retryable: false },
  UNSUPPORTED_VERSION: { scope: 'server', retryable: false },
  RATE_LIMITED: { scope: 'server', retryable: true },
  SERVER_ERROR: { scope: 'server', retryable: true },
  CONNECT_TIMEOUT: { scope: 'server', retryable: true },
  UNREACHABLE: { scope: 'server', retryable: true },
  TIMEOUT: { scope: 'server', retryable: true, outcome: 'unknown' },
  CONNECTION_RESET: { scope: 'server', retryable: true, outcome: 'unknown' },
  BAD_RESPONSE: { scope: 'server', retryable: true },
} as const satisfies Record<string, { scope: EvolutionErrorScope; retryable: boolean; outcome?: SendOutcome }>;

function defaultOutcome(code: EvolutionErrorCode): SendOutcome {
  const kind = KINDS[code];
  return 'outcome' in kind ? kind.outcome : 'not-sent';
}

export type EvolutionErrorCode = keyof typeof KINDS;

export const EVOLUTION_ERROR_CODES = Object.keys(KINDS) as readonly EvolutionErrorCode[];

export interface EvolutionErrorInit {
  /** English, for logs and developers. Never contains a full phone number or a key. */
  message: string;
  /** pt-BR, for the operator reading the admin page. */
  userMessage: string;
  httpStatus?: number;
  /** The server's own text, flattened and with long digit runs masked (for diagnosis). */
  serverMessage?: string;
  cause?: unknown;
  /** Overrides the code's default (an unreadable 2xx is `BAD_RESPONSE` with an unknown outcome). */
  outcome?: SendOutcome;
}

/** Every failure of the Evolution client, whatever its origin (HTTP answer, network, bad input). */
export class EvolutionError extends Error {
  readonly code: EvolutionErrorCode;
  readonly scope: EvolutionErrorScope;
  readonly retryable: boolean;
  readonly httpStatus: number | undefined;
  readonly userMessage: string;
  readonly serverMessage: string | undefined;
  readonly outcome: SendOutcome;

  constructor(code: EvolutionErrorCode, init: EvolutionErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'EvolutionError';
    this.code = code;
    this.scope = KINDS[code].scope;
    this.retryable = KINDS[code].retryable;
    this.httpStatus = init.httpStatus;
    this.userMessage = init.userMessage;
    this.serverMessage = init.serverMessage;
    this.outcome = init.outcome ?? defaultOutcome(code);
  }
}

export function isEvolutionError(value: unknown): value is EvolutionError {
  return value instanceof EvolutionError;
}
