import { jestConfig, onnxRuntimeEnvironment } from '../../jest.base.js';
// e2e files boot the service and a real registry against real Postgres and Redis (each file its own
// database); the tests also run onnxruntime-node in process, hence its environment.
export default jestConfig({ testEnvironment: onnxRuntimeEnvironment, testTimeout: 120_000 });
