import { jestConfig, onnxRuntimeEnvironment } from '../../jest.base.js';
// The services run in the test's process, serving (onnxruntime-node) among them.
export default jestConfig({ testEnvironment: onnxRuntimeEnvironment, testTimeout: 120_000 });
