import { jestConfig } from '../../jest.base.js';
// The loop test boots all four services (Postgres + Redis) and waits for real scheduled jobs.
export default jestConfig({ testTimeout: 240_000 });
