export const AREA_UNIT_TYPES = ['city', 'ward', 'commune', 'special_zone'] as const;
export type AreaUnitType = (typeof AREA_UNIT_TYPES)[number];

/** A unit as the reference data describes it. */
export interface ReferenceArea {
  code: string;
  name: string;
  unitType: AreaUnitType;
  parentCode: string | null;
  areaKm2: number | null;
}

/** A population figure with the date it describes and where it comes from. */
export interface PopulationFigure {
  value: number;
  asOf: string;
  source: string;
}

export interface ReferencePopulation extends PopulationFigure {
  areaCode: string;
}
