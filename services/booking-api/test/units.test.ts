import { AppError } from '@bora/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBookingInput } from '../src/bookings/booking-input.ts';
import { requestHash } from '../src/bookings/idempotency.ts';
import { escapeHtml, html } from '@bora/http';

const NOW = Date.UTC(2030, 0, 1, 12);
const base = {
  customerName: 'Ana',
  customerPhone: '(11) 98765-4321',
  service: 'Corte',
  startsAt: '2030-01-02T10:00:00-03:00',
};

function problemsOf(body: Parameters<typeof toBookingInput>[0]) {
  try {
    toBookingInput(body, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).details as { field: string; message: string }[];
  }
  throw new Error('expected a validation error');
}

describe('toBookingInput', () => {
  it('normalises and defaults', () => {
    const input = toBookingInput({ ...base, customerName: '  Ana  ', professional: '  ', notes: '' }, NOW);
    expect(input).toEqual({
      customerName: 'Ana',
      customerPhone: '5511987654321',
      service: 'Corte',
      professional: '',
      notes: null,
      startsAt: new Date('2030-01-02T13:00:00Z'),
      endsAt: new Date('2030-01-02T13:30:00Z'),
      serviceId: null,
      professionalId: null,
    });
  });

  it('accepts every way a valid mobile is written, as the same digits', () => {
    const ddd = fc.constantFrom(11, 21, 31, 41, 51, 61, 71, 81, 85, 92);
    fc.assert(
      fc.property(ddd, fc.integer({ min: 0, max: 99_999_999 }), (area, rest) => {
        const local = `9${String(rest).padStart(8, '0')}`;
        const pretty = `${local.slice(0, 5)}-${local.slice(5)}`;
        const forms = [
          `(${area}) ${pretty}`,
          `+55 ${area} ${pretty}`,
          `55${area}${local}`,
          `0${area} ${pretty}`,
          `${area}${local}`,
        ];
        const digits = new Set(
          forms.map((customerPhone) => {
            try {
              return toBookingInput({ ...base, customerPhone }, NOW).customerPhone;
            } catch {
              return 'rejected';
            }
          }),
        );
        // Every form of a valid mobile is accepted, as one and the same E.164 number.
        expect([...digits]).toEqual([`55${area}${local}`]);
      }),
      { numRuns: 200 },
    );
  });

  it('names each broken field', () => {
    expect(problemsOf({ ...base, customerPhone: '(11) 3456-7890' }).map((p) => p.field)).toEqual(['customerPhone']);
    expect(problemsOf({ ...base, startsAt: '2029-12-31T10:00:00-03:00' })).toEqual([
      { field: 'startsAt', message: 'precisa estar no futuro' },
    ]);
    expect(problemsOf({ ...base, durationMinutes: 30, endsAt: '2030-01-02T11:00:00-03:00' })[0]?.field).toBe('endsAt');
  });
});

describe('html', () => {
  it('escapes every interpolation, never the template', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const escaped = escapeHtml(text);
        expect(html`<p title="${text}">${text}</p>`.value).toBe(`<p title="${escaped}">${escaped}</p>`);
        // Nothing that could close an attribute or open a tag survives escaping.
        expect(escaped.replace(/&(amp|lt|gt|quot|#39|#96);/g, '')).not.toMatch(/[&<>"'`]/);
      }),
    );
    expect(html`<b>${html`<i>${'<x>'}</i>`}</b>`.value).toBe('<b><i>&lt;x&gt;</i></b>');
  });
});

describe('requestHash', () => {
  it('ignores key order and undefined fields, not values', () => {
    expect(requestHash({ a: 1, b: { c: 2, d: 3 } })).toBe(requestHash({ b: { d: 3, c: 2 }, a: 1, e: undefined }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: '1' }));
  });
});
