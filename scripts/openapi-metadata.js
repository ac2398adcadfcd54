// Writes apps/api/src/openapi-metadata.ts: what the @nestjs/swagger plugin learns from the types
// (DTO and view properties, controllers' return types, doc comments). The app loads it before it
// builds the OpenAPI document, so the document comes from the same classes the code uses, under
// webpack and under ts-jest alike. `npm test` fails when the file is stale (test/openapi.e2e-spec.ts);
// `npm run build` regenerates it.
//   node scripts/openapi-metadata.js              write the file
//   node scripts/openapi-metadata.js --out DIR    write it into DIR instead (the freshness test compares)
const path = require('node:path');
const { PluginMetadataGenerator } = require('@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator');
const { ReadonlyVisitor } = require('@nestjs/swagger/plugin');

const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const sourceDir = path.join(root, 'apps/api/src');
const outIndex = process.argv.indexOf('--out');
const outArg = outIndex > 0 ? process.argv[outIndex + 1] : undefined;
const outputDir = outArg ? path.resolve(outArg) : sourceDir;
process.chdir(root);
// Our own program, so a stale metadata file (or any type error, which tsc reports anyway) never stops it.
const config = ts.getParsedCommandLineOfConfigFile(
  path.join(root, 'apps/api/tsconfig.app.json'),
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
);
if (!config) throw new Error('apps/api/tsconfig.app.json could not be read');
const program = ts.createProgram(config.fileNames, config.options);
new PluginMetadataGenerator().generate({
  tsProgramRef: program,
  visitors: [
    new ReadonlyVisitor({
      introspectComments: true,
      pathToSource: sourceDir,
      dtoFileNameSuffix: [
        '.dto.ts',
        '.entity.ts',
        '.view.ts',
        '-views.ts',
        '.service.ts',
        'rubric.ts',
        'receipt.ts',
        'pagination.ts',
      ],
      controllerFileNameSuffix: ['.controller.ts'],
      classValidatorShim: true,
    }),
  ],
  outputDir,
  filename: 'openapi-metadata.ts',
});
