export * from './areas.module';
export * from './areas.service';
export type { Area, AreaPopulation } from './area-records';
export * from './area-types';
export * from './commune-level-area';
export * from './dto/area.dto';
export * from './population-figure';
export * from './reference-data.seed';
export {
  HAIPHONG_CITY,
  HAIPHONG_COMMUNES,
  HAIPHONG_DISTRICTS_2024,
  HAIPHONG_FORMER_UNITS,
  HAIPHONG_OLD_CITY,
  REFERENCE_POPULATIONS,
} from './reference-data.generated';
export * from './boundaries';
export * from './unit-resolver';
export * from './population-import';
