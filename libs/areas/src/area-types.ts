export const AREA_UNIT_TYPES = [
  'city',
  'ward',
  'commune',
  'special_zone',
  // the district-level units of the city before 1 July 2025
  'urban_district',
  'district',
  'district_city',
  'island_district',
] as const;
export type AreaUnitType = (typeof AREA_UNIT_TYPES)[number];

/** A unit as the reference data describes it. */
export interface ReferenceArea {
  code: string;
  name: string;
  unitType: AreaUnitType;
  parentCode: string | null;
  areaKm2: number | null;
  /** YYYY-MM-DD, first day the unit exists; null: before any date the platform knows. */
  validFrom: string | null;
  /** YYYY-MM-DD, last day the unit exists; null: still in force. */
  validTo: string | null;
  /** For a commune-level unit formed in 2025: the city (as it was before 1 July 2025) it lay in, if any. */
  formerParentCode: string | null;
  /** Where the unit's validity and former parent come from. */
  basis: string | null;
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

/** A commune-level unit before 1 July 2025 and the 2025 unit that took all or part of it. */
export interface FormerUnit {
  newCode: string;
  /** The item of NQ 1669/NQ-UBTVQH15 Điều 1 that arranges it. */
  item: number;
  /** With its type word: "Phường Máy Chai", "Thị trấn Núi Đối". */
  name: string;
  /** The former district when the resolution names it to tell two units of the same name apart. */
  district: string | null;
  share: 'whole' | 'part' | 'rest';
}
