// Type-aware lint: the rules that catch real bugs in async NestJS code (floating promises,
// async without await, non-exhaustive switches over unions such as error codes and job names).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.data/**',
      'coverage/**',
      'apps/api/src/openapi-metadata.ts',
      'apps/portal/**',
      '*.js',
      '*.mjs',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The product's code is typed end to end (SQL rows come typed from the schema): no `any` may flow
      // through it. Tests, benches and scripts read HTTP bodies (supertest's `any`) and are exempt below.
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    // Tests and benches may reach into a library to test its parts; apps and libraries may not.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      // A library's surface is its index.ts: other code imports `@app/<lib>`, never its files.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            // One exception: `@app/common/http`, the HTTP-only entry of libs/common (apps/api only).
            { regex: '^@app/(?!common/http$)[^/]+/.+', message: 'Import a library through its index: @app/<lib>.' },
            { regex: '(^|/)libs/[^/]+/src(/|$)', message: 'Import another library through @app/<lib>, not by its path.' },
            { regex: '^(\\.\\./)+[a-z-]+/src(/|$)', message: 'Import another library through @app/<lib>, not by its path.' },
          ],
        },
      ],
    },
  },
  {
    // The launcher has its own tsconfig (tsx, "bundler" resolution); scripts/demo.ts is in the root one.
    files: ['scripts/**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: ['./tsconfig.json', './scripts/launcher/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // Response bodies in tests and benches are `any` (supertest, fetch().json()); their assertions check the shape.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'scripts/**/*.mjs', 'scripts/**/*.js', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
