/**
 * Boundaries the type-checker cannot see (run by `npm test`, and `npm run depcheck`):
 * libraries never import an app, the two apps never import each other, and no import cycle runs
 * between libraries (a cycle means two libraries that are really one, or a missing third).
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle-between-libraries',
      severity: 'error',
      comment: 'Libraries depend on each other in one direction only.',
      from: { path: '^libs/([^/]+)/' },
      to: { circular: true, path: '^libs/', pathNot: '^libs/$1/' },
    },
    {
      name: 'no-upward-import',
      severity: 'error',
      comment: 'A library is used by apps; it never reaches up into one.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-app-to-app',
      severity: 'error',
      comment: 'The API, the worker and the portal share code only through libraries.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|\\.data)/|\\.spec\\.ts$|openapi-metadata\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
