import { EvolutionError, type EvolutionErrorCode } from '@bora/evolution-client';
import { describe, expect, it } from 'vitest';
import { judgePass, judgeSend, type PassVerdict, type SendVerdict } from '../src/decide.ts';

const error = (code: EvolutionErrorCode, outcome?: 'unknown' | 'not-sent') =>
  new EvolutionError(code, { message: code, userMessage: code, ...(outcome ? { outcome } : {}) });

describe('what one send means for the message (judgeSend)', () => {
  const cases: [string, EvolutionError | undefined, boolean, SendVerdict][] = [
    ['a 2xx with its key', undefined, false, 'sent'],
    ['a 2xx the client could not read (garbled, no key.id)', undefined, true, 'unknown'],
    ['a timeout after the request was written', error('TIMEOUT'), false, 'unknown'],
    ['a reset after the request was written', error('CONNECTION_RESET'), false, 'unknown'],
    ['a 2xx whose body made no sense', error('BAD_RESPONSE', 'unknown'), false, 'unknown'],
    ['the number is not on WhatsApp', error('NUMBER_NOT_ON_WHATSAPP'), false, 'final'],
    ['an invalid number', error('INVALID_NUMBER'), false, 'final'],
    ['a request the server refuses as such', error('INVALID_REQUEST'), false, 'final'],
    ['an empty text', error('EMPTY_TEXT'), false, 'final'],
    ['the instance is not connected', error('INSTANCE_NOT_CONNECTED'), false, 'failover'],
    ['the instance does not exist on its server', error('INSTANCE_NOT_FOUND'), false, 'failover'],
    ['the server refuses our key', error('UNAUTHORIZED'), false, 'failover'],
    ['the server redirects (a configuration error)', error('REDIRECTED'), false, 'failover'],
    ['a 5xx', error('SERVER_ERROR'), false, 'failover'],
    ['connection refused before anything was written', error('UNREACHABLE'), false, 'failover'],
    ['a connect timeout (nothing written)', error('CONNECT_TIMEOUT'), false, 'failover'],
    ['rate limited by the server', error('RATE_LIMITED'), false, 'failover'],
  ];
  it.for(cases)('%s → %s', ([, err, unexpected, verdict]) => {
    expect(judgeSend(err, unexpected)).toBe(verdict);
  });
});

describe('what a pass without a send that went through means (judgePass)', () => {
  const cases: [string, { httpSends: number; attempts: number; maxAttempts: number }, PassVerdict][] = [
    ['no sender could even be tried', { httpSends: 0, attempts: 1, maxAttempts: 3 }, 'wait'],
    [
      'no sender, on what would be the last attempt (waiting costs none)',
      { httpSends: 0, attempts: 3, maxAttempts: 3 },
      'wait',
    ],
    ['sends failed, attempts left', { httpSends: 2, attempts: 1, maxAttempts: 3 }, 'retry'],
    ['sends failed on the last attempt', { httpSends: 1, attempts: 3, maxAttempts: 3 }, 'final'],
    [
      'sends failed past the last attempt (a lowered MAX_ATTEMPTS)',
      { httpSends: 1, attempts: 5, maxAttempts: 3 },
      'final',
    ],
  ];
  it.for(cases)('%s → %s', ([, pass, verdict]) => {
    expect(judgePass(pass)).toBe(verdict);
  });
});
