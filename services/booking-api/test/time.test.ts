import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInstant } from '../src/bookings/instant.ts';
import { formatWhen, todayIn, zonedToInstant } from '../src/site/local-time.ts';

const zones = [
  'America/Sao_Paulo',
  'America/Manaus',
  'America/Noronha',
  'America/Rio_Branco',
  'America/New_York',
  'Europe/Lisbon',
];

function wallIn(instant: Date, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
      .formatToParts(instant)
      .map((p) => [p.type, Number(p.value)]),
  );
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute! };
}

describe('parseInstant', () => {
  it('reads offsets and Z, and refuses a time without one', () => {
    expect(parseInstant('2030-03-10T14:30:00-03:00')).toEqual({ ok: true, date: new Date('2030-03-10T17:30:00Z') });
    expect(parseInstant('2030-03-10T14:30Z')).toEqual({ ok: true, date: new Date('2030-03-10T14:30:00Z') });
    expect(parseInstant('2030-03-10T14:30:00.250+0530')).toEqual({
      ok: true,
      date: new Date('2030-03-10T09:00:00.250Z'),
    });
    expect(parseInstant('2030-03-10T14:30:00')).toMatchObject({ ok: false, reason: expect.stringMatching(/fuso/) });
    expect(parseInstant('2030-02-29T10:00:00Z')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/inexistente/),
    });
    expect(parseInstant('2030-03-10T24:00:00Z')).toMatchObject({ ok: false });
    expect(parseInstant('10/03/2030 14:30')).toMatchObject({ ok: false });
  });

  it('round-trips any instant written with any offset', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (date, offset) => {
          const shifted = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 23);
          const sign = offset < 0 ? '-' : '+';
          const abs = Math.abs(offset);
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          const parsed = parseInstant(`${shifted}${zone}`);
          expect(parsed).toEqual({ ok: true, date });
        },
      ),
    );
  });
});

describe('zonedToInstant', () => {
  it('turns the business wall clock into the right instant', () => {
    expect(
      zonedToInstant({ year: 2030, month: 3, day: 10, hour: 14, minute: 30 }, 'America/Sao_Paulo')?.toISOString(),
    ).toBe('2030-03-10T17:30:00.000Z');
    expect(
      zonedToInstant({ year: 2030, month: 3, day: 10, hour: 14, minute: 30 }, 'America/Manaus')?.toISOString(),
    ).toBe('2030-03-10T18:30:00.000Z');
    // New York springs forward at 02:00 on 2030-03-10: 02:30 never happens there.
    expect(zonedToInstant({ year: 2030, month: 3, day: 10, hour: 2, minute: 30 }, 'America/New_York')).toBeUndefined();
    expect(
      zonedToInstant({ year: 2030, month: 3, day: 10, hour: 3, minute: 30 }, 'America/New_York')?.toISOString(),
    ).toBe('2030-03-10T07:30:00.000Z');
    expect(zonedToInstant({ year: 2030, month: 2, day: 30, hour: 10, minute: 0 }, 'America/Sao_Paulo')).toBeUndefined();
  });

  it('gives an instant whose wall clock in the zone is the one asked for (any zone, any minute)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2015, 0, 1) / 60_000, max: Date.UTC(2035, 0, 1) / 60_000 }),
        fc.constantFrom(...zones),
        (minute, zone) => {
          const wall = wallIn(new Date(minute * 60_000), zone);
          const instant = zonedToInstant(wall, zone);
          expect(instant).toBeDefined();
          expect(wallIn(instant!, zone)).toEqual(wall);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('formats and dates in the zone, in pt-BR', () => {
    const instant = new Date('2030-03-11T02:30:00Z'); // still the 10th in São Paulo
    expect(todayIn('America/Sao_Paulo', instant.getTime())).toBe('2030-03-10');
    expect(formatWhen(instant, 'America/Sao_Paulo')).toBe('domingo, 10 de março de 2030 às 23:30');
  });
});
