import { choosePopulationFigure } from './population-figure';

const f = (asOf: string, value: number) => ({ asOf, value, source: `census ${asOf}` });

describe('choosePopulationFigure', () => {
  const figures = [f('2024-12-31', 4_664_124), f('2019-04-01', 4_000_000), f('2025-12-31', 4_700_000)];

  it('takes the latest figure dated on or before the day asked', () => {
    expect(choosePopulationFigure(figures, '2025-06-30')?.value).toBe(4_664_124);
    expect(choosePopulationFigure(figures, '2024-12-30')?.value).toBe(4_000_000);
    expect(choosePopulationFigure(figures, '2030-01-01')?.value).toBe(4_700_000);
  });

  it('uses a figure dated exactly on the day', () => {
    expect(choosePopulationFigure(figures, '2024-12-31')?.value).toBe(4_664_124);
    expect(choosePopulationFigure(figures, '2025-12-31')?.value).toBe(4_700_000);
  });

  it('falls back to the earliest later figure when none is earlier, and says which it used', () => {
    expect(choosePopulationFigure(figures, '2010-01-01')).toEqual(f('2019-04-01', 4_000_000));
    expect(choosePopulationFigure([f('2026-01-01', 2), f('2025-01-01', 1)], '2020-01-01')?.asOf).toBe('2025-01-01');
  });

  it('gives null when there is no figure at all', () => {
    expect(choosePopulationFigure([], '2025-06-30')).toBeNull();
  });

  it('does not depend on the order figures come in', () => {
    expect(choosePopulationFigure([...figures].reverse(), '2025-06-30')?.value).toBe(4_664_124);
  });
});
