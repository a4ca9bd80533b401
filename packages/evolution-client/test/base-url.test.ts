import { describe, expect, it } from 'vitest';
import { EvolutionError, normalizeBaseUrl, toEvolutionNumber } from '../src/index.ts';

describe('normalizeBaseUrl', () => {
  it.each([
    ['https://evo1.x.com/message/sendText', 'https://evo1.x.com'],
    ['https://evo1.x.com/message/sendText/', 'https://evo1.x.com'],
    ['https://evo1.x.com/message/sendText/acme-01', 'https://evo1.x.com'],
    ['  https://EVO1.x.com/// ', 'https://evo1.x.com'],
    ['https://evo1.x.com', 'https://evo1.x.com'],
    ['https://evo1.x.com/instance/connect/acme-01?number=55', 'https://evo1.x.com'],
    ['https://evo1.x.com/manager/', 'https://evo1.x.com'],
    ['http://10.0.0.5:8080/message/sendText/inst#frag', 'http://10.0.0.5:8080'],
    ['https://x.com/evolution/message/sendText/inst', 'https://x.com/evolution'],
    ['https://x.com/evolution/', 'https://x.com/evolution'],
    ['evo1.x.com/message/sendText', 'https://evo1.x.com'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeBaseUrl(input)).toBe(expected);
  });

  it.each(['', '   ', 'ftp://evo1.x.com', 'https://', 'http://exa mple.com'])('refuses %j', (input) => {
    expect(() => normalizeBaseUrl(input)).toThrow(EvolutionError);
    try {
      normalizeBaseUrl(input);
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_BASE_URL', scope: 'request', retryable: false });
      expect((error as EvolutionError).userMessage).toMatch(/URL do servidor Evolution inválida/);
    }
  });
});

describe('toEvolutionNumber', () => {
  it.each([
    ['+55 (11) 98765-4321', '5511987654321'],
    ['5511987654321', '5511987654321'],
    [' 55 11 9 8765 4321 ', '5511987654321'],
    ['+1 415-555-0100', '14155550100'],
  ])('%j → digits only %s', (input, expected) => {
    expect(toEvolutionNumber(input)).toBe(expected);
  });

  it('passes full JIDs through untouched', () => {
    expect(toEvolutionNumber('5511987654321@s.whatsapp.net')).toBe('5511987654321@s.whatsapp.net');
    expect(toEvolutionNumber('123456789@lid')).toBe('123456789@lid');
  });

  it.each(['', 'abc', '+55', '1234567890123456'])('refuses %j as a recipient error', (input) => {
    expect(() => toEvolutionNumber(input)).toThrow(
      expect.objectContaining({ code: 'INVALID_NUMBER', scope: 'recipient', retryable: false }),
    );
  });
});
