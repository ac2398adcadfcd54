export * from './ocds-release.builder';
export * from './ocds.service';
export * from './ocds.module';
export * from './dto/ocds-query.dto';
export * from './ocds-contract.builder';
