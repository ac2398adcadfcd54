// The worker's bundle: Nest's webpack defaults, with one change. The libraries' DTOs carry
// @nestjs/swagger decorators (metadata for the API's OpenAPI document, which the worker never
// builds), so here `@nestjs/swagger` is replaced by the no-op shim that @nestjs/swagger ships for
// exactly this (code that shares DTOs but must not load Swagger), bundled in since the package
// does not export that file. Its PartialType/OmitType return empty classes: only the API
// validates request bodies with those DTOs. test/worker-bundle.e2e-spec.ts checks that the built
// worker loads no HTTP-only package.
const path = require('node:path');

const SWAGGER_SHIM = path.join(path.dirname(require.resolve('@nestjs/swagger/package.json')), 'dist/extra/swagger-shim.js');

module.exports = (options) => {
  const [nodeExternals, ...otherExternals] = options.externals;
  return {
    ...options,
    externals: [
      // Everything in node_modules stays external (required at run time), except @nestjs/swagger.
      (data, callback) => (data.request === '@nestjs/swagger' ? callback() : nodeExternals(data, callback)),
      ...otherExternals,
    ],
    resolve: { ...options.resolve, alias: { ...options.resolve?.alias, '@nestjs/swagger$': SWAGGER_SHIM } },
  };
};
