// Lints an OpenAPI document (a JSON file) with Spectral (spectral:oas) and Redocly (recommended).
// Prints one JSON object { spectral: [...], redocly: [...] } listing every problem with its
// severity, so a test (test/openapi.e2e-spec.ts) can require zero errors.
//   node scripts/lint-openapi.mjs path/to/openapi.json
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createConfig, lintFromString } from '@redocly/openapi-core';

const require = createRequire(import.meta.url);
const { Spectral, Document } = require('@stoplight/spectral-core');
const Parsers = require('@stoplight/spectral-parsers');
const { oas } = require('@stoplight/spectral-rulesets');

const file = process.argv[2];
if (!file) throw new Error('usage: node scripts/lint-openapi.mjs <openapi.json>');
const source = readFileSync(file, 'utf8');

const spectral = new Spectral();
// The ruleset's published type is looser than setRuleset's parameter (it has no `extends`).
spectral.setRuleset(/** @type {import('@stoplight/spectral-core').RulesetDefinition} */ (oas));
const SPECTRAL_SEVERITY = ['error', 'warn', 'info', 'hint'];
const spectralProblems = (await spectral.run(new Document(source, Parsers.Json, file))).map((r) => ({
  severity: SPECTRAL_SEVERITY[r.severity],
  rule: r.code,
  message: r.message,
  path: r.path.join('.'),
}));

const config = await createConfig({ extends: ['recommended'] });
const redoclyProblems = (await lintFromString({ source, absoluteRef: file, config })).map((p) => ({
  severity: p.severity,
  rule: p.ruleId,
  message: p.message,
  path: p.location?.[0]?.pointer ?? '',
}));

process.stdout.write(JSON.stringify({ spectral: spectralProblems, redocly: redoclyProblems }));
