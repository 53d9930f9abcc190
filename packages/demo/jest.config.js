import { jestConfig, onnxRuntimeEnvironment } from '../../jest.base.js';
// The loop test boots all five services (Postgres + Redis) and waits for real scheduled jobs;
// serving runs onnxruntime-node in the test's process, hence its environment.
export default jestConfig({ testEnvironment: onnxRuntimeEnvironment, testTimeout: 240_000 });
