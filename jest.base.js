// Shared Jest settings. NestJS 12 is ESM-only, so every package runs Jest in native ESM mode
// (node --experimental-vm-modules) with swc transpiling TypeScript, decorators and their metadata.
import { fileURLToPath } from 'node:url';

/** testEnvironment for packages whose tests run onnxruntime-node (see the file for why). */
export const onnxRuntimeEnvironment = fileURLToPath(new URL('./jest.onnxruntime-environment.js', import.meta.url));

export function jestConfig(overrides = {}) {
  return {
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            target: 'es2023',
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
          },
          module: { type: 'es6' },
          sourceMaps: 'inline',
        },
      ],
    },
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    ...overrides,
  };
}
