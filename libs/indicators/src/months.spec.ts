import { addMonths, lastDayOfMonth, monthsBetween, MONTH_PATTERN } from './months';

describe('months', () => {
  it('steps across year ends', () => {
    expect(addMonths('2025-12', 1)).toBe('2026-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-11', -23)).toBe('2024-12');
  });

  it('counts months with both ends included', () => {
    expect(monthsBetween('2025-01', '2025-12')).toBe(12);
    expect(monthsBetween('2025-06', '2025-06')).toBe(1);
    expect(monthsBetween('2016-12', '2026-11')).toBe(120);
    expect(monthsBetween('2025-07', '2025-06')).toBe(0);
  });

  it('knows month ends, leap years included', () => {
    expect(lastDayOfMonth('2024-02')).toBe('2024-02-29');
    expect(lastDayOfMonth('2025-02')).toBe('2025-02-28');
    expect(lastDayOfMonth('2025-12')).toBe('2025-12-31');
    expect(lastDayOfMonth('2025-04')).toBe('2025-04-30');
  });

  it('accepts YYYY-MM only', () => {
    expect(['2025-01', '2025-12'].every((m) => MONTH_PATTERN.test(m))).toBe(true);
    expect(['2025-13', '2025-00', '2025-1', '2025-01-01'].some((m) => MONTH_PATTERN.test(m))).toBe(false);
  });
});
