import { jestConfig } from '../../jest.base.js';
// e2e files boot the service (and a real registry) against real Postgres and Redis; each has its own database.
export default jestConfig({ testTimeout: 120_000 });
