import { describe, expect, it } from 'vitest';
import { hasControlCharacters, withoutControlCharacters } from '../src/index.ts';

describe('control characters', () => {
  it.each(['\u0000', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009f'])('finds %j', (ch) => {
    expect(hasControlCharacters(`a${ch}b`)).toBe(true);
    expect(withoutControlCharacters(`a${ch}b`)).toBe('ab');
  });

  it('leaves ordinary text alone, accents and emoji included', () => {
    for (const text of ['João da Silva', 'Barbearia do Zé — corte & barba', '😀 ok', '']) {
      expect(hasControlCharacters(text)).toBe(false);
      expect(withoutControlCharacters(text)).toBe(text);
    }
  });
});
