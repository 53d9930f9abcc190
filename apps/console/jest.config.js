import { jestConfig } from '../../jest.base.js';
// e2e files boot the console with real services (registry, experiments, drift) against real
// Postgres and Redis; the browser file drives Debian's chromium through playwright-core.
export default jestConfig({ testTimeout: 60_000 });
