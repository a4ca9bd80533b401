import { describe, expect, it } from 'vitest';
import { classifyEvolutionError, type EvolutionErrorCode, type EvolutionErrorScope } from '../src/index.ts';

const envelope = (status: number, error: string, message: unknown) => ({ status, error, response: { message } });

// Every answer a real Evolution API 2.3.6 server gave to sendText (shared/evolution-api/OBSERVED-2.3.6.md),
// with what the dispatcher must do about it: `instance` and `server` fail over and retry,
// `request` and `recipient` are final.
const rows: Array<{
  name: string;
  status: number;
  body: unknown;
  code: EvolutionErrorCode;
  scope: EvolutionErrorScope;
}> = [
  {
    name: 'created, never connected (500)',
    status: 500,
    body: envelope(500, 'Internal Server Error', "Cannot read properties of undefined (reading 'onWhatsApp')"),
    code: 'INSTANCE_UNAVAILABLE',
    scope: 'instance',
  },
  {
    name: 'connecting / closed, number not cached (500)',
    status: 500,
    body: envelope(500, 'Internal Server Error', 'Connection Closed'),
    code: 'INSTANCE_NOT_CONNECTED',
    scope: 'instance',
  },
  {
    name: 'paired, session offline, number cached (400)',
    status: 400,
    body: envelope(400, 'Bad Request', ['Error: Connection Closed']),
    code: 'INSTANCE_NOT_CONNECTED',
    scope: 'instance',
  },
  {
    name: 'unpaired (QR stage), number cached (400 TypeError)',
    status: 400,
    body: envelope(400, 'Bad Request', ["TypeError: Cannot read properties of undefined (reading 'id')"]),
    code: 'INSTANCE_UNAVAILABLE',
    scope: 'instance',
  },
  {
    name: 'known only in the shared database (500)',
    status: 500,
    body: envelope(500, 'Internal Server Error', "Cannot read properties of undefined (reading 'textMessage')"),
    code: 'INSTANCE_UNAVAILABLE',
    scope: 'instance',
  },
  {
    name: 'catch-all: Error: Timed Out (400)',
    status: 400,
    body: envelope(400, 'Bad Request', ['Error: Timed Out']),
    code: 'INSTANCE_UNAVAILABLE',
    scope: 'instance',
  },
  {
    name: 'catch-all: Error: Not authenticated (400)',
    status: 400,
    body: envelope(400, 'Bad Request', ['Error: Not authenticated']),
    code: 'INSTANCE_UNAVAILABLE',
    scope: 'instance',
  },
  {
    name: 'catch-all as a bare string (400)',
    status: 400,
    body: envelope(400, 'Bad Request', 'RangeError: Maximum call stack size exceeded'),
    code: 'INSTANCE_UNAVAILABLE',
    scope: 'instance',
  },
  {
    name: 'validation: missing text (400, arrays of arrays)',
    status: 400,
    body: envelope(400, 'Bad Request', [['instance requires property "text"']]),
    code: 'INVALID_REQUEST',
    scope: 'request',
  },
  {
    name: 'validation: Invalid format (400)',
    status: 400,
    body: envelope(400, 'Bad Request', [['Invalid format']]),
    code: 'INVALID_REQUEST',
    scope: 'request',
  },
  {
    name: 'validation: non-integer delay (400)',
    status: 400,
    body: envelope(400, 'Bad Request', [['Enter a value in milliseconds']]),
    code: 'INVALID_REQUEST',
    scope: 'request',
  },
  {
    name: 'empty text (400)',
    status: 400,
    body: envelope(400, 'Bad Request', ['Text is required']),
    code: 'EMPTY_TEXT',
    scope: 'request',
  },
  {
    name: 'number not on WhatsApp (400 exists:false)',
    status: 400,
    body: envelope(400, 'Bad Request', [
      { jid: '5511999999999@s.whatsapp.net', exists: false, number: '5511999999999' },
    ]),
    code: 'NUMBER_NOT_ON_WHATSAPP',
    scope: 'recipient',
  },
  {
    name: 'malformed JSON (400 "Internal Server Error" in the envelope)',
    status: 400,
    body: envelope(400, 'Internal Server Error', ['Unexpected token } in JSON at position 9']),
    code: 'INVALID_REQUEST',
    scope: 'request',
  },
];

describe('every sendText answer a real Evolution 2.3.6 gave, classified', () => {
  it.each(rows)('$name → $code ($scope)', ({ status, body, code, scope }) => {
    const error = classifyEvolutionError(status, JSON.stringify(body), { instance: 'acme-01', operation: 'sendText' });
    expect(error).toMatchObject({ code, scope, httpStatus: status, outcome: 'not-sent' });
    expect(error!.userMessage).not.toMatch(/TypeError|undefined/);
  });

  it('an instance trouble is retryable; a request or recipient fault is not', () => {
    for (const row of rows) {
      const error = classifyEvolutionError(row.status, row.body)!;
      expect(error.retryable, row.name).toBe(row.scope === 'instance');
    }
  });
});
