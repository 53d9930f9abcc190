/**
 * ONNX export of the linear models (see linear-plan.ts for the column mapping).
 *
 * Graph: input float [N, F] → Cast to double → (x − center) / scale → [records: non-finite → 0]
 * → MatMul weights [F, 1] + bias = score [N, 1] (double) → outputs:
 *   classifier: label int64 [N] = score ≥ 0 (ties go to 1, as predictOne);
 *               probabilities float [N, 2] = σ([−score, score]), columns P(y = 0), P(y = 1);
 *   regressor:  variable float [N, 1] = score.
 * The arithmetic is in double with the weights and statistics stored exactly, so the graph repeats
 * the learner's computation on the same (float32) inputs up to summation order; only the outputs are
 * rounded to float32 (relative 6e-8). σ(−s) gives P(y = 0) without the cancellation of 1 − σ(s).
 * Names follow skl2onnx's converters (label, probabilities, variable) so a server can treat these
 * and converted scikit-learn models alike.
 */
import { LinearModel, type LinearModelState } from '../linear-model.js';
import { modelFromJSON } from '../models.js';
import { densePlan, recordsPlan, type LinearPlan } from './linear-plan.js';
import { ONNX_INPUT, ONNX_OUTPUTS, transformInput, type Graph, type OnnxExportOptions } from './input-graph.js';
export { ONNX_INPUT, ONNX_OUTPUTS, type OnnxExportOptions } from './input-graph.js';
import { attr, DataType, encodeModel, initializer, node, valueInfo, type Onnx } from './proto.js';
import { softmaxToOnnx } from './softmax-onnx.js';
import { SoftmaxRegression, type SoftmaxState } from '../softmax.js';

function classifierOutputs(g: Graph): Onnx.IValueInfoProto[] {
  g.initializers.push(initializer('flat', DataType.INT64, [1], [-1]));
  g.nodes.push(
    node('Neg', ['score'], ['neg_score']),
    node('Concat', ['neg_score', 'score'], ['logits'], [attr.int('axis', 1)]),
    node('Sigmoid', ['logits'], ['p']),
    node('Cast', ['p'], [ONNX_OUTPUTS.probabilities], [attr.int('to', DataType.FLOAT)]),
    node('GreaterOrEqual', ['score', 'zero'], ['positive']),
    node('Cast', ['positive'], ['label_column'], [attr.int('to', DataType.INT64)]),
    node('Reshape', ['label_column', 'flat'], [ONNX_OUTPUTS.label]),
  );
  return [
    valueInfo(ONNX_OUTPUTS.label, DataType.INT64, ['N'], '1 when P(y = 1) ≥ 0.5, else 0'),
    valueInfo(ONNX_OUTPUTS.probabilities, DataType.FLOAT, ['N', 2], '[P(y = 0), P(y = 1)]'),
  ];
}

function linearGraph(plan: LinearPlan): Onnx.IGraphProto {
  const F = plan.weights.length;
  const g: Graph = {
    nodes: [],
    initializers: [initializer('weights', DataType.DOUBLE, [F, 1], plan.weights), initializer('bias', DataType.DOUBLE, [1], [plan.bias])],
  };
  // onnxruntime warns about unused initializers: only the mask and the label compare with 0.
  if (plan.skipNonFinite || plan.kind === 'logistic_regression') {
    g.initializers.push(initializer('zero', DataType.DOUBLE, [], [0]));
  }
  const z = transformInput(plan, g);
  g.nodes.push(node('MatMul', [z, 'weights'], ['dot']), node('Add', ['dot', 'bias'], ['score']));
  let output: Onnx.IValueInfoProto[];
  if (plan.kind === 'logistic_regression') {
    output = classifierOutputs(g);
  } else {
    g.nodes.push(node('Cast', ['score'], [ONNX_OUTPUTS.variable], [attr.int('to', DataType.FLOAT)]));
    output = [valueInfo(ONNX_OUTPUTS.variable, DataType.FLOAT, ['N', 1], 'the predicted value')];
  }
  const columns = plan.names ? `columns ${plan.names.join(', ')}` : `${F} columns, the model's input positions`;
  return {
    name: plan.kind,
    node: g.nodes,
    initializer: g.initializers,
    input: [valueInfo(ONNX_INPUT, DataType.FLOAT, ['N', F], columns)],
    output,
  };
}

/**
 * The model (an instance, or its toJSON() as stored in model.json) as ONNX ModelProto bytes.
 * Throws OnnxExportError when the model cannot take a dense float input (categorical features,
 * a layout that contradicts what its scaler learned) and TypeError/RangeError on a malformed state.
 */
export function toOnnx(
  model: LinearModel | LinearModelState | SoftmaxRegression | SoftmaxState,
  options: OnnxExportOptions = {},
): Uint8Array {
  if (model instanceof SoftmaxRegression || ('format' in model && model.format === 'modelyard.softmax-model')) {
    return softmaxToOnnx(model, options);
  }
  // Restoring a plain state checks it (format, version, lengths) before anything is read from it.
  const state = model instanceof LinearModel ? model.toJSON() : modelFromJSON(model as LinearModelState).toJSON();
  const input = options.input ?? { kind: 'dense' };
  const plan = input.kind === 'records' ? recordsPlan(state, input.features) : densePlan(state, input.names);
  const metadata = new Map<string, string>([
    ['modelyard.kind', plan.kind],
    ['modelyard.input', plan.layout],
  ]);
  if (plan.names) metadata.set('modelyard.features', JSON.stringify(plan.names));
  const missing = plan.skipNonFinite ? '; NaN or ±Infinity in a column means the feature is missing' : '';
  return encodeModel({
    graph: linearGraph(plan),
    docString: `${plan.kind} exported from @modelyard/learners (${plan.layout} input${missing})`,
    metadata,
  });
}
