import { jestConfig } from '../../jest.base.js';

// Integration tests against the real Postgres (TEST_DATABASE_URL); building the template database
// once per migrations history takes a second or two.
export default jestConfig({ testTimeout: 30_000 });
