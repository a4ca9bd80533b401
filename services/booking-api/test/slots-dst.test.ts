import { describe, expect, it } from 'vitest';
import { parseInstant } from '../src/bookings/instant.ts';
import { dayGrid, freeSlots, type BusyProfessional } from '../src/slots/compute.ts';
import { dayOf, instantAt, isoInZone, isoWeekday, minuteOf, offsetMinutes, parseDay } from '../src/slots/zone.ts';

const day = (date: string) => parseDay(date)!;
const isoStarts = (date: string, zone: string, range: [number, number], duration = 30, step = duration) =>
  dayGrid([{ start: range[0], end: range[1] }], day(date), zone, duration, step).map((s) =>
    isoInZone(s.start, zone, s.startOffset),
  );

describe('zone arithmetic', () => {
  it('turns wall minutes into instants, earlier or later when the clock shows a time twice, the jump when it skips one', () => {
    const ny = 'America/New_York';
    // 2030-03-10: 02:00 EST → 03:00 EDT. 02:30 does not exist: the first real time after it.
    expect(new Date(instantAt(day('2030-03-10'), 150, ny)).toISOString()).toBe('2030-03-10T07:00:00.000Z');
    expect(new Date(instantAt(day('2030-03-10'), 90, ny)).toISOString()).toBe('2030-03-10T06:30:00.000Z');
    expect(new Date(instantAt(day('2030-03-10'), 180, ny)).toISOString()).toBe('2030-03-10T07:00:00.000Z');
    // 2030-11-03: 02:00 EDT → 01:00 EST. 01:30 happens twice.
    expect(new Date(instantAt(day('2030-11-03'), 90, ny, 'earlier')).toISOString()).toBe('2030-11-03T05:30:00.000Z');
    expect(new Date(instantAt(day('2030-11-03'), 90, ny, 'later')).toISOString()).toBe('2030-11-03T06:30:00.000Z');
    // Midnight at the end of a day is the next day's 00:00.
    expect(instantAt(day('2030-12-02'), 1440, 'America/Sao_Paulo')).toBe(Date.parse('2030-12-03T03:00:00Z'));
    expect(offsetMinutes(Date.parse('2030-07-01T12:00:00Z'), 'Asia/Kolkata')).toBe(330);
    expect(isoInZone(Date.parse('2030-07-01T12:00:00Z'), 'Asia/Kathmandu')).toBe('2030-07-01T17:45:00+05:45');
    expect(isoWeekday(day('2030-12-02'))).toBe(1);
    expect(isoWeekday(day('2030-12-08'))).toBe(7);
    expect(parseDay('2030-02-29')).toBeUndefined();
  });
});

describe('the slot grid across DST changes', () => {
  it('America/New_York spring forward: 00:00–04:00 holds three real hours, so six 30-minute slots', () => {
    expect(isoStarts('2030-03-10', 'America/New_York', [0, 240])).toEqual([
      '2030-03-10T00:00:00-05:00',
      '2030-03-10T00:30:00-05:00',
      '2030-03-10T01:00:00-05:00',
      '2030-03-10T01:30:00-05:00',
      '2030-03-10T03:00:00-04:00',
      '2030-03-10T03:30:00-04:00',
    ]);
    const [, , , last] = dayGrid([{ start: 0, end: 240 }], day('2030-03-10'), 'America/New_York', 30, 30);
    // The 01:30 slot ends when the clock jumps: shown as 03:00 in the new offset.
    expect(isoInZone(last!.end, 'America/New_York', last!.endOffset)).toBe('2030-03-10T03:00:00-04:00');
  });

  it('America/New_York fall back: five real hours, 01:00 and 01:30 twice with their own offsets', () => {
    expect(isoStarts('2030-11-03', 'America/New_York', [0, 240]).map((s) => s.slice(11))).toEqual([
      '00:00:00-04:00',
      '00:30:00-04:00',
      '01:00:00-04:00',
      '01:30:00-04:00',
      '01:00:00-05:00',
      '01:30:00-05:00',
      '02:00:00-05:00',
      '02:30:00-05:00',
      '03:00:00-05:00',
      '03:30:00-05:00',
    ]);
  });

  it('Europe/Lisbon both ways, and an ordinary 09:00–18:00 on either day is 18 slots in the new offset', () => {
    expect(isoStarts('2030-03-31', 'Europe/Lisbon', [0, 180], 60)).toEqual([
      '2030-03-31T00:00:00+00:00',
      '2030-03-31T02:00:00+01:00',
    ]);
    expect(isoStarts('2030-10-27', 'Europe/Lisbon', [0, 180], 60)).toEqual([
      '2030-10-27T00:00:00+01:00',
      '2030-10-27T01:00:00+01:00',
      '2030-10-27T01:00:00+00:00',
      '2030-10-27T02:00:00+00:00',
    ]);
    for (const [date, offset] of [
      ['2030-03-31', '+01:00'],
      ['2030-10-27', '+00:00'],
    ] as const) {
      const starts = isoStarts(date, 'Europe/Lisbon', [540, 1080]);
      expect(starts).toHaveLength(18);
      expect(starts[0]).toBe(`${date}T09:00:00${offset}`);
      expect(starts[17]).toBe(`${date}T17:30:00${offset}`);
    }
  });

  it('every IANA zone, on each day of 2030 when its offset changes: whole real hours, in order, each on its own day, round-tripping', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    const start = Date.parse('2030-01-01T12:00:00Z');
    let checkedDays = 0;
    for (const zone of zones) {
      // One offset lookup a day finds the changes; the local days on either side get checked.
      const days = new Set<number>();
      let before = offsetMinutes(start, zone);
      for (let t = start + 86_400_000; t < start + 365 * 86_400_000; t += 86_400_000) {
        const after = offsetMinutes(t, zone);
        if (after !== before) for (let d = dayOf(t - 86_400_000, zone); d <= dayOf(t, zone); d++) days.add(d);
        before = after;
      }
      for (const d of days) {
        checkedDays++;
        const dayStart = instantAt(d, 0, zone);
        const dayEnd = instantAt(d + 1, 0, zone);
        const grid = dayGrid([{ start: 0, end: 1440 }], d, zone, 60, 60);
        expect(grid.length, `${zone} ${d}`).toBe(Math.floor((dayEnd - dayStart) / 3_600_000));
        grid.forEach((slot, i) => {
          expect(slot.start).toBe(dayStart + i * 3_600_000);
          expect(dayOf(slot.start, zone)).toBe(d);
          const iso = isoInZone(slot.start, zone, slot.startOffset);
          const parsed = parseInstant(iso);
          expect(parsed.ok && parsed.date.getTime(), `${zone} ${iso}`).toBe(slot.start);
          expect(minuteOf(slot.start, zone)).toBe(Number(iso.slice(11, 13)) * 60 + Number(iso.slice(14, 16)));
        });
      }
    }
    // Dozens of zones still change their clocks; make sure this looked at them.
    expect(checkedDays).toBeGreaterThan(100);
  });
});

describe('freeSlots', () => {
  const grid = dayGrid([{ start: 540, end: 720 }], day('2030-12-02'), 'America/Sao_Paulo', 30, 30);
  const t = (hhmm: string) => Date.parse(`2030-12-02T${hhmm}:00-03:00`);
  const pro = (id: string, busy: [string, string][]): BusyProfessional => ({
    id,
    name: id,
    busy: busy.map(([a, b]) => [t(a), t(b)] as const),
  });

  it('leaves out slots overlapping a booking (overlapping bookings too) and those before the notice', () => {
    const ze = pro('ze', [
      ['09:15', '09:45'],
      ['09:20', '10:10'],
      ['11:00', '11:30'],
    ]);
    const free = freeSlots(grid, [ze], t('09:00'));
    expect(free.map((s) => new Date(s.start).toISOString().slice(11, 16))).toEqual(['13:30', '14:30']);
    expect(freeSlots(grid, [ze], t('11:30')).map((s) => new Date(s.start).toISOString().slice(11, 16))).toEqual([
      '14:30',
    ]);
  });

  it('gives each time to the free professional with the fewest bookings that day', () => {
    const ana = pro('ana', [
      ['09:00', '09:30'],
      ['10:00', '10:30'],
    ]);
    const bia = pro('bia', [['11:00', '11:30']]);
    const free = freeSlots(grid, [ana, bia], t('00:00'));
    expect(free.map((s) => s.professionalId)).toEqual(['bia', 'bia', 'bia', 'bia', 'ana', 'bia']);
  });
});
