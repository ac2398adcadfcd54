import { densityPer1000, measure, progressToTarget, round } from './density';

describe('density and progress', () => {
  it('counts enterprises per 1,000 population, to 4 decimals', () => {
    expect(densityPer1000(1000, 4_664_124)).toBe(0.2144); // the city in mid-2024: about 1,000 firms
    expect(densityPer1000(3265, 4_664_124)).toBe(0.7); // 0.70002…
    expect(densityPer1000(0, 4_664_124)).toBe(0);
    expect(densityPer1000(7, 1000)).toBe(7);
  });

  it('reports progress as a ratio of the target, from the unrounded density', () => {
    expect(progressToTarget(1000, 4_664_124, 0.7)).toBe(0.3063); // 0.21440… / 0.7 = 0.30629…
    expect(progressToTarget(3265, 4_664_124, 0.7)).toBe(1); // 1.00003 → just over the target
    expect(progressToTarget(1, 1000, 1)).toBe(1);
  });

  it('rounds half away from zero, including values stored just below the half', () => {
    expect(round(1.00005)).toBe(1.0001);
    expect(round(0.12345)).toBe(0.1235);
    expect(round(0.123449)).toBe(0.1234);
    expect(round(-0.00005)).toBe(-0.0001);
  });

  it('names the figure it used, or gives the reason there is no density', () => {
    const figure = { value: 4_664_124, asOf: '2024-12-31', source: 'NQ 202/2025/QH15' };
    expect(measure('Thành phố Hải Phòng', 1000, figure, 0.7)).toEqual({ population: figure, density: 0.2144, progress: 0.3063 });
    expect(measure('Phường Hồng Bàng', 12, null, 0.7)).toEqual({
      population: null,
      density: null,
      progress: null,
      reason: expect.stringMatching(/No population figure is recorded for Phường Hồng Bàng/),
    });
  });
});
