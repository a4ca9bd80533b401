import type { RouteCandidate } from '@bora/balancer';
import { EvolutionError } from '@bora/evolution-client';
import { describe, expect, it } from 'vitest';
import { attemptRecord, technicalDetail, UNEXPECTED_SEND_ERROR } from '../src/attempt.ts';
import type { ClaimedNotification } from '@bora/ledger';

const claimed = { attempts: 2, possibleDuplicate: false } as ClaimedNotification;
const candidate = { serverId: 'server-1', instanceId: 'instance-1' } as RouteCandidate;

describe('delivery attempt records', () => {
  it("keep the Evolution error's pt-BR text for operators; the English one is for the logs", () => {
    const error = new EvolutionError('SERVER_ERROR', {
      message: 'Server error (502): Bad Gateway',
      userMessage: 'O servidor Evolution respondeu com erro (HTTP 502)',
      httpStatus: 502,
      serverMessage: 'Bad Gateway',
    });
    expect(attemptRecord(claimed, candidate, 40, 'failover', error)).toEqual({
      attempt: 2,
      evolutionApiId: 'server-1',
      whatsappInstanceId: 'instance-1',
      outcome: 'failed',
      errorCode: 'SERVER_ERROR',
      errorScope: 'server',
      errorMessage: 'O servidor Evolution respondeu com erro (HTTP 502)',
      httpStatus: 502,
      latencyMs: 40,
      possibleDuplicate: false,
    });
    expect(technicalDetail(error, error)).toBe('Server error (502): Bad Gateway (server said: Bad Gateway)');
  });

  it('give an unexpected (non-Evolution) error a generic pt-BR text, not its English message', () => {
    const raw = new TypeError("Cannot read properties of undefined (reading 'keyId')");
    const record = attemptRecord(claimed, candidate, 5, 'unknown', undefined);
    // An unexpected error during the send says nothing about whether it went out: unknown.
    expect(record).toMatchObject({
      outcome: 'unknown',
      errorCode: 'UNEXPECTED',
      errorScope: 'internal',
      httpStatus: null,
    });
    expect(record.errorMessage).toBe(UNEXPECTED_SEND_ERROR);
    expect(technicalDetail(undefined, raw)).toBe(raw.message);
  });

  it('a successful send has no error', () => {
    expect(attemptRecord(claimed, candidate, 12, 'sent', undefined)).toMatchObject({
      outcome: 'sent',
      errorCode: null,
      errorScope: null,
      errorMessage: null,
      httpStatus: null,
    });
  });
});

describe('an attempt that repeats a send whose outcome stayed unknown', () => {
  it('is marked as a possible duplicate', () => {
    const resend = { attempts: 3, possibleDuplicate: true } as ClaimedNotification;
    expect(attemptRecord(resend, candidate, 9, 'sent', undefined)).toMatchObject({
      outcome: 'sent',
      possibleDuplicate: true,
    });
  });
});
