import { cityToday } from './city-calendar';

describe('cityToday', () => {
  it('is the calendar day in Hai Phong (UTC+7), not on the server', () => {
    expect(cityToday(new Date('2025-06-30T16:59:59Z'))).toBe('2025-06-30');
    expect(cityToday(new Date('2025-06-30T17:00:00Z'))).toBe('2025-07-01');
    expect(cityToday(new Date('2025-12-31T17:00:00Z'))).toBe('2026-01-01');
  });
});
