import { EvolutionError, type EvolutionErrorCode } from './errors.ts';
import { readServerMessage, shortNumber, summarize, type ServerMessage } from './server-message.ts';

/** What the caller was doing, so messages can name the instance. */
export interface ClassifyContext {
  instance?: string;
  /** e.g. `sendText`; prefixed to the English message. */
  operation?: string;
}

interface Verdict {
  code: EvolutionErrorCode;
  message: string;
  userMessage: string;
}

const V1_SEND_TEXT = /requires property "textMessage"/i;
const CONNECTION_CLOSED = /connection closed|instance is not connected/i;
const INSTANCE_MISSING = /instance does not exist|instance "[^"]*" not found/i;
// A 500 TypeError means the server has the instance in its database but not loaded in memory
// (disconnected, or hosted by another server sharing the database).
const TYPE_ERROR = /TypeError|Cannot read propert(y|ies) of (undefined|null)/i;
const NAME_IN_USE = /already in use/i;
const TEXT_REQUIRED = /text is required/i;
// Evolution turns any exception inside a send into `400 ["<String(error)>"]` ("TypeError: …",
// "Error: Timed Out", "Error: Not authenticated"): the session's trouble, not the message's.
const THROWN = /^[A-Za-z]*Error: /;

function parseBody(body: unknown): { json: boolean; value: unknown } {
  if (typeof body !== 'string') return { json: true, value: body };
  try {
    return { json: true, value: JSON.parse(body) as unknown };
  } catch {
    return { json: false, value: body };
  }
}

/** ` "acme-01"` with its leading space, or nothing, so sentences read well either way. */
function quoted(name: string | undefined): string {
  return name ? ` "${name}"` : '';
}

function instanceVerdict(code: EvolutionErrorCode, found: ServerMessage, ctx: ClassifyContext): Verdict {
  const fromText = /"([^"]+)"/.exec(found.texts.join(' '))?.[1];
  const name = ctx.instance ?? fromText;
  const label = quoted(name);
  switch (code) {
    case 'INSTANCE_NOT_FOUND':
      return {
        code,
        message: `Instance${label} does not exist on this server`,
        userMessage: `A instância${label} não existe neste servidor Evolution`,
      };
    case 'INSTANCE_NOT_CONNECTED':
      return {
        code,
        message: `Instance${label} is not connected to WhatsApp (Connection Closed)`,
        userMessage: `A instância${label} não está conectada ao WhatsApp`,
      };
    case 'INSTANCE_NAME_IN_USE':
      return {
        code,
        message: `Instance name${label} is already in use`,
        userMessage: `O nome de instância${label} já está em uso neste servidor`,
      };
    default:
      return {
        code: 'INSTANCE_UNAVAILABLE',
        message: `Instance${label} is not loaded on this server (disconnected or hosted elsewhere)`,
        userMessage: `A instância${label} não está disponível neste servidor Evolution (desconectada ou hospedada em outro servidor)`,
      };
  }
}

function byStatus(status: number, detail: string | undefined): Verdict {
  const suffix = detail ? `: ${detail}` : '';
  if (status === 401)
    return {
      code: 'UNAUTHORIZED',
      message: 'The server rejected the API key (401)',
      userMessage: 'Chave de API (apikey) incorreta para este servidor',
    };
  if (status === 403)
    return {
      code: 'FORBIDDEN',
      message: `The server refused access (403)${suffix}`,
      userMessage: 'Acesso negado pelo servidor Evolution (esta ação exige a chave global)',
    };
  if (status === 404)
    return {
      code: 'ROUTE_NOT_FOUND',
      message: `Route not found (404)${suffix}`,
      userMessage: 'Rota não encontrada no servidor Evolution: verifique a URL do servidor',
    };
  if (status === 408)
    return {
      code: 'TIMEOUT',
      message: 'The server answered 408 Request Timeout',
      userMessage: 'O servidor Evolution não respondeu a tempo',
    };
  if (status === 429)
    return {
      code: 'RATE_LIMITED',
      message: 'The server is rate limiting requests (429)',
      userMessage: 'O servidor Evolution está limitando as requisições; tente novamente em instantes',
    };
  if (status >= 500)
    return {
      code: 'SERVER_ERROR',
      message: `Server error (${status})${suffix}`,
      userMessage: `O servidor Evolution respondeu com erro (HTTP ${status})`,
    };
  return {
    code: 'INVALID_REQUEST',
    message: `The server rejected the request (${status})${suffix}`,
    userMessage: `O servidor Evolution recusou a requisição${detail ? `: ${detail}` : ''}`,
  };
}

function verdictFor(status: number, found: ServerMessage, ctx: ClassifyContext): Verdict {
  const text = found.texts.join('\n');
  const detail = summarize(found);
  if (status === 401) return byStatus(401, detail);
  if (found.missingNumbers.length > 0) {
    const numbers = found.missingNumbers.map(shortNumber).join(', ');
    const plural = found.missingNumbers.length > 1;
    return {
      code: 'NUMBER_NOT_ON_WHATSAPP',
      message: `${plural ? 'Numbers' : 'Number'} ${numbers} ${plural ? 'are' : 'is'} not on WhatsApp`,
      userMessage: plural ? `Os números ${numbers} não têm WhatsApp` : `O número ${numbers} não tem WhatsApp`,
    };
  }
  if (V1_SEND_TEXT.test(text)) {
    return {
      code: 'UNSUPPORTED_VERSION',
      message: 'This is an Evolution API v1 server (it asks for "textMessage"); v2 is required',
      userMessage: 'Este servidor parece ser Evolution v1; o sistema requer v2',
    };
  }
  if (CONNECTION_CLOSED.test(text)) return instanceVerdict('INSTANCE_NOT_CONNECTED', found, ctx);
  if (INSTANCE_MISSING.test(text)) return instanceVerdict('INSTANCE_NOT_FOUND', found, ctx);
  if (TYPE_ERROR.test(text) && status >= 500) return instanceVerdict('INSTANCE_UNAVAILABLE', found, ctx);
  if (NAME_IN_USE.test(text) && status === 403) return instanceVerdict('INSTANCE_NAME_IN_USE', found, ctx);
  if (TEXT_REQUIRED.test(text) && status < 500) {
    return { code: 'EMPTY_TEXT', message: 'The message text is empty', userMessage: 'O texto da mensagem está vazio' };
  }
  if (status === 400 && found.flat && found.texts.length === 1 && THROWN.test(found.texts[0]!.trim())) {
    return instanceVerdict('INSTANCE_UNAVAILABLE', found, ctx);
  }
  return byStatus(status, detail);
}

/**
 * The error an Evolution HTTP answer represents, or `undefined` when it is a success.
 * `body` is either the raw response text (a string, parsed here when it is JSON) or an already
 * parsed JSON value. Pure: no IO, so every row of CONTRACT.md's error table is a unit test.
 */
export function classifyEvolutionError(
  httpStatus: number,
  body: unknown,
  context: ClassifyContext = {},
): EvolutionError | undefined {
  const parsed = parseBody(body);
  const prefix = context.operation ? `${context.operation}: ` : '';
  const success = httpStatus >= 200 && httpStatus < 300;
  // A gateway timeout: the upstream got the request and did not answer in time. Like an unreadable
  // 2xx, the message may have gone out.
  const outcome = success || httpStatus === 504 ? 'unknown' : 'not-sent';
  const build = (verdict: Verdict, serverMessage?: string): EvolutionError =>
    new EvolutionError(verdict.code, {
      ...verdict,
      message: prefix + verdict.message,
      httpStatus,
      serverMessage,
      outcome,
    });

  if (httpStatus >= 300 && httpStatus < 400) {
    // Never followed: the redirect would carry the apikey and the message to another address.
    return build({
      code: 'REDIRECTED',
      message: `The server answered a redirect (HTTP ${httpStatus}); not followed, so the key went nowhere else. Fix the server's URL`,
      userMessage: `O servidor Evolution respondeu com um redirecionamento (HTTP ${httpStatus}); ele não foi seguido e a chave não foi reenviada. Corrija a URL do servidor`,
    });
  }

  if (!parsed.json) {
    if (httpStatus === 401 || httpStatus === 404 || httpStatus === 408 || httpStatus === 429 || httpStatus >= 500) {
      return build(byStatus(httpStatus, undefined));
    }
    return build({
      code: 'BAD_RESPONSE',
      message: `Expected JSON but got ${String(body).trim() === '' ? 'an empty body' : 'non-JSON text'} (HTTP ${httpStatus})`,
      userMessage: 'Resposta inesperada do servidor Evolution: verifique se a URL aponta para uma Evolution API',
    });
  }
  const found = readServerMessage(parsed.value);
  if (success) {
    const value = parsed.value;
    // connect and restart report failures as 200 {"error":true,"message":"[object Object]"}.
    if (typeof value === 'object' && value !== null && (value as { error?: unknown }).error === true) {
      const label = quoted(context.instance);
      return build(
        {
          code: 'INSTANCE_ACTION_FAILED',
          message: `The server reported a failure on instance${label} despite HTTP ${httpStatus}`,
          userMessage: `O servidor Evolution não conseguiu executar a ação na instância${label}`,
        },
        summarize(found),
      );
    }
    return undefined;
  }
  if (httpStatus < 400) {
    return build({
      code: 'BAD_RESPONSE',
      message: `Unexpected HTTP ${httpStatus}`,
      userMessage: 'Resposta inesperada do servidor Evolution',
    });
  }
  return build(verdictFor(httpStatus, found, context), summarize(found));
}
