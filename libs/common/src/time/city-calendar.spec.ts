import { cityIso, cityToday, utcIso } from './city-calendar';

describe('cityToday', () => {
  it('is the calendar day in Hai Phong (UTC+7), not on the server', () => {
    expect(cityToday(new Date('2025-06-30T16:59:59Z'))).toBe('2025-06-30');
    expect(cityToday(new Date('2025-06-30T17:00:00Z'))).toBe('2025-07-01');
    expect(cityToday(new Date('2025-12-31T17:00:00Z'))).toBe('2026-01-01');
  });
});

describe('cityIso', () => {
  it('writes the instant in Hai Phong with an explicit +07:00 offset, milliseconds kept', () => {
    expect(cityIso(new Date('2026-11-22T10:30:00.000Z'))).toBe('2026-11-22T17:30:00.000+07:00');
    expect(cityIso(new Date('2026-11-22T10:30:00.123Z'))).toBe('2026-11-22T17:30:00.123+07:00');
  });

  it('moves a UTC instant near midnight to the next day (and across a year end)', () => {
    expect(cityIso(new Date('2025-06-30T16:59:59.999Z'))).toBe('2025-06-30T23:59:59.999+07:00');
    expect(cityIso(new Date('2025-06-30T17:00:00.000Z'))).toBe('2025-07-01T00:00:00.000+07:00');
    expect(cityIso(new Date('2025-12-31T23:30:00.000Z'))).toBe('2026-01-01T06:30:00.000+07:00');
    expect(cityIso(new Date('2028-02-28T20:00:00.000Z'))).toBe('2028-02-29T03:00:00.000+07:00');
  });

  it('is the same instant: parsing it back gives the same time value', () => {
    for (const d of [
      new Date('2026-11-22T10:30:00.000Z'),
      new Date('1999-12-31T17:00:00.001Z'),
      new Date(1_767_225_599_999),
      new Date(0),
    ]) {
      expect(new Date(cityIso(d)).getTime()).toBe(d.getTime());
    }
  });

  it('takes a string too, whatever offset it was written with', () => {
    expect(cityIso('2026-11-22T10:30:00Z')).toBe('2026-11-22T17:30:00.000+07:00');
    expect(cityIso('2026-11-22T17:30:00.000+07:00')).toBe('2026-11-22T17:30:00.000+07:00');
  });

  it('refuses what is not an instant', () => {
    expect(() => cityIso('not a date')).toThrow(RangeError);
  });

  it('utcIso keeps the stored (UTC) form', () => {
    expect(utcIso(new Date('2026-11-22T10:30:00.000Z'))).toBe('2026-11-22T10:30:00.000Z');
    expect(utcIso('2026-11-22T17:30:00.000+07:00')).toBe('2026-11-22T10:30:00.000Z');
  });
});
