export { toOnnx, ONNX_INPUT, ONNX_OUTPUTS, type OnnxExportOptions } from './linear-onnx.js';
export { softmaxToOnnx } from './softmax-onnx.js';
export { OnnxExportError, type OnnxFeatureKind, type OnnxInputLayout, type OnnxRecordFeature } from './linear-plan.js';
export { decodeModel as decodeOnnxModel, ONNX_PRODUCER } from './proto.js';
