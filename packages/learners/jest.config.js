import { jestConfig, onnxRuntimeEnvironment } from '../../jest.base.js';
export default jestConfig({ testEnvironment: onnxRuntimeEnvironment });
