import type { MethodologyLanguage } from '../methodology';

export class MethodologySection {
  key: string;
  heading: string;
  body: string[];
}

export class CityPopulationFigure {
  areaCode: string;
  name: string;
  value: number;
  asOf: string;
  source: string;
}

export class MethodologyEndpoints {
  snapshot: string;
  series: string;
  areas: string;
}

export class MethodologyView {
  language: MethodologyLanguage;
  title: string;
  target: number;
  boundaryChangeDate: string;
  sections: MethodologySection[];
  /** The population figures recorded for the city boundaries, with their sources (live). */
  cityPopulations: CityPopulationFigure[];
  endpoints: MethodologyEndpoints;
}
