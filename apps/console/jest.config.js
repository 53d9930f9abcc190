import { jestConfig } from '../../jest.base.js';
// e2e files boot the console with real services (registry, experiments, drift) against real
// Postgres and Redis; the browser file drives Debian's chromium (installed by the global setup
// when missing) through playwright-core.
export default jestConfig({ testTimeout: 60_000, globalSetup: '<rootDir>/src/test/global-setup.mjs' });
