import type { PopulationFigure } from '@app/areas';
import { CsvValue, toCsv, UTF8_BOM } from '@app/common';
import type { DensitySeriesView, DensitySnapshotView } from './dto/density.dto';

export interface CsvExport {
  filename: string;
  body: string;
}

const populationColumns = ['population', 'population_as_of', 'population_source'];
const populationCells = (p: PopulationFigure | null): CsvValue[] => [p?.value, p?.asOf, p?.source];

/**
 * The snapshot as one table: the city first, then its units. With groupBy=sector the export is
 * the sector table instead (one CSV holds one table). UTF-8 with a byte-order mark for Excel.
 */
export function snapshotCsv(view: DensitySnapshotView): CsvExport {
  const scope = view.areas.length === 1 ? view.areas[0]!.areaCode : view.city.areaCode;
  if (view.sectors) {
    return {
      filename: `enterprise-density-by-sector_${view.asOf}.csv`,
      body:
        UTF8_BOM +
        toCsv(
          ['as_of', 'sector', 'enterprises'],
          view.sectors.map((s) => [view.asOf, s.sector, s.enterprises]),
        ),
    };
  }
  const header = [
    'as_of',
    'area_code',
    'name',
    'unit_type',
    'enterprises',
    ...populationColumns,
    'density_per_1000',
    'target_per_1000',
    'progress',
    'note',
  ];
  const c = view.city;
  const rows: CsvValue[][] = [
    [
      view.asOf,
      c.areaCode,
      c.name,
      'city',
      c.enterprises,
      ...populationCells(c.population),
      c.density,
      view.target,
      c.progress,
      c.reason,
    ],
    ...view.areas
      .filter((a) => a.areaCode !== c.areaCode)
      .map((a) => [
        view.asOf,
        a.areaCode,
        a.name,
        a.unitType,
        a.enterprises,
        ...populationCells(a.population),
        a.density,
        view.target,
        null,
        a.reason,
      ]),
  ];
  return { filename: `enterprise-density_${scope}_${view.asOf}.csv`, body: UTF8_BOM + toCsv(header, rows) };
}

export function seriesCsv(view: DensitySeriesView): CsvExport {
  const header = [
    'month',
    'as_of',
    'area_code',
    'name',
    'enterprises',
    ...populationColumns,
    'density_per_1000',
    'target_per_1000',
    'progress',
    'note',
  ];
  const rows = view.items.map((p): CsvValue[] => [
    p.month,
    p.asOf,
    view.areaCode,
    view.name,
    p.enterprises,
    ...populationCells(p.population),
    p.density,
    view.target,
    p.progress,
    p.reason,
  ]);
  return {
    filename: `enterprise-density-series_${view.areaCode}_${view.from}_${view.to}.csv`,
    body: UTF8_BOM + toCsv(header, rows),
  };
}
