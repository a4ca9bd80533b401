import { EvolutionError } from './errors.ts';

/**
 * The `number` Evolution expects: digits only, country code first, no `+` (a `+` makes the server
 * skip its Brazilian 9th-digit handling). Full JIDs (`…@s.whatsapp.net`, `…@lid`, `…@g.us`) pass
 * through untouched. Throws INVALID_NUMBER when nothing usable is left.
 */
export function toEvolutionNumber(input: string): string {
  const trimmed = input.trim();
  if (trimmed.includes('@')) return trimmed;
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 8 || digits.length > 15) {
    throw new EvolutionError('INVALID_NUMBER', {
      message: `Invalid destination number (${digits.length} digits)`,
      userMessage: 'Número de destino inválido: informe DDI, DDD e número',
    });
  }
  return digits;
}
