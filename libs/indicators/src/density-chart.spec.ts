import { niceCeiling, renderDensityChart } from './density-chart';
import type { DensitySeriesView } from './dto/density.dto';

const population = { value: 1000, asOf: '2024-12-31', source: 'test' };
const series = (densities: (number | null)[]): DensitySeriesView => ({
  areaCode: '31',
  name: 'Thành phố <Hải Phòng> & co',
  target: 0.7,
  from: '2025-01',
  to: '2025-04',
  knownAt: '2025-04-28T12:00:00.000+07:00',
  items: densities.map((d, i) => ({
    month: `2025-0${i + 1}`,
    asOf: `2025-0${i + 1}-28`,
    boundary: '31-2024',
    enterprises: d === null ? 0 : d,
    population: d === null ? null : population,
    density: d,
    progress: d === null ? null : d / 0.7,
  })),
});

describe('renderDensityChart', () => {
  it('draws a self-contained SVG with the target line and escaped text', () => {
    const svg = renderDensityChart(series([0.2, 0.4, 0.5, 0.8]));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('mục tiêu 0,7');
    expect(renderDensityChart(series([0.2, 0.4, 0.5, 0.8]), 'en')).toContain('target 0.7');
    expect(svg).toContain('Thành phố &lt;Hải Phòng&gt; &amp; co');
    expect(svg).not.toMatch(/<script|href=/);
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg.match(/<circle/g)).toHaveLength(4);
  });

  it('leaves a gap where a month has no density instead of inventing one', () => {
    const svg = renderDensityChart(series([0.2, null, 0.5, 0.6]));
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(3);
  });

  it('says so when there is nothing to draw', () => {
    expect(renderDensityChart(series([null, null]), 'en')).toContain('No population figure is recorded');
    expect(renderDensityChart(series([null, null]))).toContain('chưa có số liệu dân số');
  });

  it('picks round axis maxima', () => {
    expect([niceCeiling(0.805), niceCeiling(0.07), niceCeiling(1.2), niceCeiling(0)]).toEqual([1, 0.1, 2, 1]);
  });
});
