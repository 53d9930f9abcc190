import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Node's globals for the plain .js/.mjs files (scripts, benchmarks, Jest configs).
const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'fetch',
    'performance',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'Buffer',
    'URL',
    'AbortSignal',
    'AbortController',
    'structuredClone',
  ].map((g) => [g, 'readonly']),
);

// The no-unsafe-* family (values typed `any` flowing into typed code), for where it is switched off.
const noUnsafeOff = Object.fromEntries(
  ['argument', 'assignment', 'call', 'member-access', 'return'].map((r) => [`@typescript-eslint/no-unsafe-${r}`, 'off']),
);

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/generated/**', '**/coverage/**', '.tools/**', 'var/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    // Every finding is an error (CI runs with --max-warnings 0), stale disable comments included.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      // Type-aware rules read one program: the root tsconfig.json, which holds every package's
      // sources, tests and scripts, with workspace packages resolved to their sources (the
      // "@modelyard/source" condition), so linting needs no build first. One program for the whole
      // monorepo costs a third of the CPU and memory of one per package (the project service),
      // since every service's program would hold the shared packages and Prisma's client again.
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      // A switch over a union or enum names every member; a `default` does not stand in for a
      // member added later (that member would silently take the default branch).
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      // Rejecting with a literal that is not an Error is the bug; passing on a value of unknown
      // type (a caught error, an AbortSignal's reason) is not. Same defaults as only-throw-error.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // Off: style, not bugs. An async function without await is harmless (interface methods, test
      // stubs; a promise left unawaited is no-floating-promises' job), and a redundant cast or `!`
      // is a no-op.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    // Tests read HTTP bodies (supertest's `any`) and fixtures field by field; the assertions are
    // what checks them, so the no-unsafe-* family would only add casts there.
    files: ['**/*.spec.ts', '**/src/test/**', '**/test/**'],
    rules: noUnsafeOff,
  },
  {
    // The console's browser app has its own program (DOM types, JSX, bundler resolution).
    files: ['apps/console/web/**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { project: './apps/console/web/tsconfig.json', tsconfigRootDir: import.meta.dirname } },
  },
  {
    // Plain Node scripts (benchmarks, the up/test scripts, Jest configs): Node's globals, and no
    // no-unsafe-* rules, which would flag every untyped value in JavaScript.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: nodeGlobals },
    rules: noUnsafeOff,
  },
);
