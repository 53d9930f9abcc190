import { jestConfig } from '../../jest.base.js';
// e2e files boot the service against real Postgres and Redis; each has its own database.
export default jestConfig({ testTimeout: 60_000 });
