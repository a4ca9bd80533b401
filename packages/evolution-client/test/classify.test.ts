import { describe, expect, it } from 'vitest';
import {
  classifyEvolutionError,
  classifyTransportError,
  EvolutionError,
  type EvolutionErrorCode,
  type EvolutionErrorScope,
} from '../src/index.ts';

const envelope = (status: number, error: string, message: unknown) => ({ status, error, response: { message } });

interface Row {
  name: string;
  status: number;
  body: unknown;
  code: EvolutionErrorCode;
  scope: EvolutionErrorScope;
  retryable: boolean;
  userMessage: RegExp;
}

// One row per line of CONTRACT.md's error table, plus the shapes the wire can add.
const rows: Row[] = [
  {
    name: 'instance does not exist (404, array)',
    status: 404,
    body: envelope(404, 'Not Found', ['The "acme-01" instance does not exist']),
    code: 'INSTANCE_NOT_FOUND',
    scope: 'instance',
    retryable: false,
    userMessage: /instância "acme-01" não existe/,
  },
  {
    name: 'instance filter not found (404 from fetchInstances)',
    status: 404,
    body: envelope(404, 'Not Found', ['Instance "ghost" not found']),
    code: 'INSTANCE_NOT_FOUND',
    scope: 'instance',
    retryable: false,
    userMessage: /"ghost" não existe/,
  },
  {
    name: 'bad apikey (401, plain string)',
    status: 401,
    body: envelope(401, 'Unauthorized', 'Unauthorized'),
    code: 'UNAUTHORIZED',
    scope: 'auth',
    retryable: false,
    userMessage: /^Chave de API \(apikey\) incorreta para este servidor$/,
  },
  {
    name: 'number not on WhatsApp (400, exists:false objects)',
    status: 400,
    body: envelope(400, 'Bad Request', [
      { jid: '5511999999999@s.whatsapp.net', exists: false, number: '5511999999999' },
    ]),
    code: 'NUMBER_NOT_ON_WHATSAPP',
    scope: 'recipient',
    retryable: false,
    userMessage: /^O número 5511…9999 não tem WhatsApp$/,
  },
  {
    name: 'validation error (400, doubly nested)',
    status: 400,
    body: envelope(400, 'Bad Request', [['instance requires property "text"']]),
    code: 'INVALID_REQUEST',
    scope: 'request',
    retryable: false,
    userMessage: /recusou a requisição: instance requires property "text"/,
  },
  {
    name: 'empty text (400)',
    status: 400,
    body: envelope(400, 'Bad Request', ['Text is required']),
    code: 'EMPTY_TEXT',
    scope: 'request',
    retryable: false,
    userMessage: /vazio/,
  },
  {
    name: 'connection closed (400, array)',
    status: 400,
    body: envelope(400, 'Bad Request', ['Error: Connection Closed']),
    code: 'INSTANCE_NOT_CONNECTED',
    scope: 'instance',
    retryable: true,
    userMessage: /não está conectada ao WhatsApp/,
  },
  {
    name: 'connection closed (500, string)',
    status: 500,
    body: envelope(500, 'Internal Server Error', 'Connection Closed'),
    code: 'INSTANCE_NOT_CONNECTED',
    scope: 'instance',
    retryable: true,
    userMessage: /não está conectada/,
  },
  {
    name: 'restart of a closed instance (400)',
    status: 400,
    body: envelope(400, 'Bad Request', ['The "acme-01" instance is not connected']),
    code: 'INSTANCE_NOT_CONNECTED',
    scope: 'instance',
    retryable: true,
    userMessage: /"acme-01" não está conectada/,
  },
  {
    name: 'TypeError text (500): known in DB, hosted elsewhere',
    status: 500,
    body: envelope(500, 'Internal Server Error', "Cannot read properties of undefined (reading 'textMessage')"),
    code: 'INSTANCE_UNAVAILABLE',
    scope: 'instance',
    retryable: true,
    userMessage: /não está disponível neste servidor/,
  },
  {
    name: 'name already in use (403)',
    status: 403,
    body: envelope(403, 'Forbidden', ['This name "acme-01" is already in use.']),
    code: 'INSTANCE_NAME_IN_USE',
    scope: 'request',
    retryable: false,
    userMessage: /nome de instância "acme-01" já está em uso/,
  },
  {
    name: 'connect / restart failure (200 with error:true)',
    status: 200,
    body: { error: true, message: '[object Object]' },
    code: 'INSTANCE_ACTION_FAILED',
    scope: 'instance',
    retryable: true,
    userMessage: /não conseguiu executar a ação/,
  },
  {
    name: 'v1 server answering a v2 sendText body',
    status: 400,
    body: envelope(400, 'Bad Request', [['instance requires property "textMessage"']]),
    code: 'UNSUPPORTED_VERSION',
    scope: 'server',
    retryable: false,
    userMessage: /^Este servidor parece ser Evolution v1; o sistema requer v2$/,
  },
  {
    name: 'other 5xx',
    status: 502,
    body: envelope(502, 'Bad Gateway', 'upstream failed'),
    code: 'SERVER_ERROR',
    scope: 'server',
    retryable: true,
    userMessage: /HTTP 502/,
  },
  {
    name: 'unknown route (404 Cannot PUT)',
    status: 404,
    body: envelope(404, 'Not Found', ['Cannot PUT /instance/restart/x']),
    code: 'ROUTE_NOT_FOUND',
    scope: 'server',
    retryable: false,
    userMessage: /Rota não encontrada/,
  },
  {
    name: 'global key required (403 other)',
    status: 403,
    body: envelope(403, 'Forbidden', 'Missing global api key'),
    code: 'FORBIDDEN',
    scope: 'auth',
    retryable: false,
    userMessage: /Acesso negado/,
  },
  {
    name: 'HTML error page on a 200',
    status: 200,
    body: '<!doctype html><html><body>Welcome to nginx</body></html>',
    code: 'BAD_RESPONSE',
    scope: 'server',
    retryable: true,
    userMessage: /Resposta inesperada/,
  },
  {
    name: 'HTML 502 from a reverse proxy',
    status: 502,
    body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    code: 'SERVER_ERROR',
    scope: 'server',
    retryable: true,
    userMessage: /HTTP 502/,
  },
];

describe('classifyEvolutionError', () => {
  it.each(rows)('$name → $code ($scope)', (row) => {
    for (const body of [row.body, typeof row.body === 'string' ? row.body : JSON.stringify(row.body)]) {
      const error = classifyEvolutionError(row.status, body, { operation: 'sendText' });
      expect(error).toBeInstanceOf(EvolutionError);
      expect(error).toMatchObject({
        code: row.code,
        scope: row.scope,
        retryable: row.retryable,
        httpStatus: row.status,
      });
      expect(error?.userMessage).toMatch(row.userMessage);
      expect(error?.message).toMatch(/^sendText: /);
    }
  });

  it('says what a v1 server is, in English too', () => {
    const error = classifyEvolutionError(
      400,
      envelope(400, 'Bad Request', [['instance requires property "textMessage"']]),
    );
    expect(error?.message).toMatch(/v1 server/);
  });

  it('returns undefined for successes, including `error:false` envelopes', () => {
    expect(classifyEvolutionError(201, { key: { id: '3EB0AA' } })).toBeUndefined();
    expect(
      classifyEvolutionError(200, '{"status":"SUCCESS","error":false,"response":{"message":"Instance deleted"}}'),
    ).toBeUndefined();
    expect(classifyEvolutionError(200, '[]')).toBeUndefined();
  });

  it('names every missing number and masks them in both messages', () => {
    const body = envelope(400, 'Bad Request', [
      { jid: '5511999999999@s.whatsapp.net', exists: false, number: '5511999999999' },
      { jid: '5521988887777@s.whatsapp.net', exists: false, number: '5521988887777' },
    ]);
    const error = classifyEvolutionError(400, body);
    expect(error?.userMessage).toBe('Os números 5511…9999, 5521…7777 não têm WhatsApp');
    expect(`${error?.message} ${error?.userMessage} ${error?.serverMessage ?? ''}`).not.toMatch(/\d{8,}/);
  });

  it('prefers the instance the caller names and keeps the server text for diagnosis', () => {
    const error = classifyEvolutionError(500, envelope(500, 'Internal Server Error', ['Error: Connection Closed']), {
      instance: 'loja-02',
    });
    expect(error?.userMessage).toBe('A instância "loja-02" não está conectada ao WhatsApp');
    expect(error?.serverMessage).toBe('Error: Connection Closed');
  });

  it('treats an empty 2xx body as an unreadable answer (outcome unknown), a 3xx as a redirect never followed, a 401 without JSON still as auth', () => {
    expect(classifyEvolutionError(200, '')).toMatchObject({
      code: 'BAD_RESPONSE',
      retryable: true,
      outcome: 'unknown',
    });
    expect(classifyEvolutionError(304, '{}')).toMatchObject({ code: 'REDIRECTED', scope: 'auth', outcome: 'not-sent' });
    expect(classifyEvolutionError(401, '<html>401 Authorization Required</html>')).toMatchObject({
      code: 'UNAUTHORIZED',
      scope: 'auth',
    });
  });

  it('maps 408 and 429 to retryable server errors', () => {
    // 408: the server gave up waiting for our request, so it never acted on it.
    expect(classifyEvolutionError(408, '')).toMatchObject({
      code: 'TIMEOUT',
      scope: 'server',
      retryable: true,
      outcome: 'not-sent',
    });
    expect(classifyEvolutionError(429, '{}')).toMatchObject({ code: 'RATE_LIMITED', scope: 'server', retryable: true });
  });
});

describe('classifyTransportError', () => {
  const withCode = (name: string, code: string) => Object.assign(new Error(`boom ${code}`), { name, code });

  it.each([
    [withCode('TimeoutError', 'ETIMEDOUT'), 'CONNECT_TIMEOUT'],
    [withCode('RequestError', 'ECONNREFUSED'), 'UNREACHABLE'],
    [withCode('RequestError', 'ENOTFOUND'), 'UNREACHABLE'],
    [withCode('RequestError', 'ECONNRESET'), 'UNREACHABLE'],
    [withCode('RequestError', 'CERT_HAS_EXPIRED'), 'UNREACHABLE'],
    [withCode('RequestError', 'HPE_INVALID_CONSTANT'), 'BAD_RESPONSE'],
    [Object.assign(new Error('wrapped'), { cause: withCode('Error', 'EHOSTUNREACH') }), 'UNREACHABLE'],
  ] as const)('%s → %s (server, retryable)', (error, code) => {
    expect(classifyTransportError(error, { operation: 'sendText', timeoutMs: 100 })).toMatchObject({
      code,
      scope: 'server',
      retryable: true,
      outcome: 'not-sent',
    });
  });

  // got sets `timings.upload` once the whole request was handed to the network: from then on the
  // server may have acted on it, whatever became of the answer.
  const written = (error: Error) => Object.assign(error, { timings: { start: 1, upload: 2 } });
  it.each([
    [written(withCode('TimeoutError', 'ETIMEDOUT')), 'TIMEOUT'],
    [written(withCode('RequestError', 'ECONNRESET')), 'CONNECTION_RESET'],
    [written(withCode('RequestError', 'EPIPE')), 'CONNECTION_RESET'],
    [written(withCode('ReadError', 'ECONNRESET')), 'BAD_RESPONSE'],
    [written(withCode('RequestError', 'HPE_INVALID_CONSTANT')), 'BAD_RESPONSE'],
    [written(withCode('RequestError', 'ESOMETHINGELSE')), 'UNREACHABLE'],
  ] as const)('after the request was written: %s → %s, outcome unknown', (error, code) => {
    expect(classifyTransportError(error, { operation: 'sendText' })).toMatchObject({ code, outcome: 'unknown' });
  });

  it('refused, DNS and TLS failures are not-sent even with timings (nothing was uploaded)', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      const error = Object.assign(withCode('RequestError', code), { timings: { start: 1, socket: 2 } });
      expect(classifyTransportError(error)).toMatchObject({ code: 'UNREACHABLE', outcome: 'not-sent' });
    }
  });

  it('keeps an EvolutionError as it is and copies only safe fields into the cause', () => {
    const original = classifyEvolutionError(401, '{}');
    expect(classifyTransportError(original)).toBe(original);
    const gotLike = Object.assign(withCode('RequestError', 'ECONNREFUSED'), {
      options: { headers: { apikey: 'sekret' } },
    });
    const mapped = classifyTransportError(gotLike);
    expect(JSON.stringify({ ...(mapped.cause as object) })).not.toContain('sekret');
    expect(mapped.cause).not.toBe(gotLike);
  });
});
