import { jestConfig } from '../../jest.base.js';
// src/test boots a small service against real Postgres and Redis, with its own database.
export default jestConfig({ testTimeout: 30_000 });
