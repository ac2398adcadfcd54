export * from './ocds-release.builder';
