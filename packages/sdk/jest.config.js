import { jestConfig } from '../../jest.base.js';
// CLI and client tests boot a real registry (Postgres + Redis) and run the built CLI as a child process.
export default jestConfig({ testTimeout: 60_000 });
