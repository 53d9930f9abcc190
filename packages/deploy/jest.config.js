import { jestConfig, onnxRuntimeEnvironment } from '../../jest.base.js';
// The monitoring test boots every service (Postgres + Redis) to read their /metrics; serving runs
// onnxruntime-node in the test's process, hence its environment.
export default jestConfig({ testEnvironment: onnxRuntimeEnvironment, testTimeout: 120_000 });
