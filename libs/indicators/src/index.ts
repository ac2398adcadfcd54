export * from './indicators.module';
export * from './indicators.service';
export * from './density';
export * from './density-csv';
export * from './density-chart';
export * from './months';
export * from './dto/density.dto';
export * from './density-queries';
