/**
 * ONNX export of softmax regression (see linear-plan.ts for the column mapping, done per class).
 *
 * Graph: input float [N, F] → the linear models' input transform (input-graph.ts) → MatMul weights
 * [F, K] + bias [K] = scores [N, K] (double) → outputs:
 *   probabilities float [N, K] = Softmax(scores), columns in the model's `classes` order;
 *   label [N] = classes[ArgMax(scores)] through Gather: int64 when every class is an integer,
 *               otherwise strings (integer classes then written as decimal text).
 * ArgMax takes the first of tied scores, as the learner's predictOne. Arithmetic in double, as the
 * linear export: onnxruntime repeats the learner's computation up to summation order.
 */
import { decodeFloats } from '../float-codec.js';
import { SoftmaxRegression, type ClassLabel, type SoftmaxState } from '../softmax.js';
import { ONNX_INPUT, ONNX_OUTPUTS, transformInput, type Graph, type OnnxExportOptions } from './input-graph.js';
import { densePlan, OnnxExportError, recordsPlan, type LinearPlan } from './linear-plan.js';
import { attr, DataType, encodeModel, initializer, node, stringInitializer, valueInfo, type Onnx } from './proto.js';

/** One plan per class row; they share columns and standardisation, and differ in weights and bias. */
function classPlans(state: SoftmaxState, options: OnnxExportOptions): LinearPlan[] {
  const input = options.input ?? { kind: 'dense' };
  return state.weights.map((weights) => {
    const row = { kind: state.kind, options: state.options, scaler: state.scaler, weights };
    return input.kind === 'records' ? recordsPlan(row, input.features) : densePlan(row, input.names);
  });
}

/** The weight matrix [F, K], row-major, from the class plans (one column each). */
function weightMatrix(plans: readonly LinearPlan[]): Float64Array {
  const F = plans[0]!.weights.length;
  const K = plans.length;
  const w = new Float64Array(F * K);
  plans.forEach((plan, c) => plan.weights.forEach((v, j) => (w[j * K + c] = v)));
  return w;
}

function labelTensor(classes: readonly ClassLabel[]): { tensor: Onnx.ITensorProto; type: number } {
  if (classes.every((c) => typeof c === 'number')) {
    return { tensor: initializer('classes', DataType.INT64, [classes.length], classes as number[]), type: DataType.INT64 };
  }
  return { tensor: stringInitializer('classes', [classes.length], classes.map(String)), type: DataType.STRING };
}

function softmaxGraph(state: SoftmaxState, plans: readonly LinearPlan[]): Onnx.IGraphProto {
  const first = plans[0]!;
  const F = first.weights.length;
  const K = plans.length;
  const labels = labelTensor(state.classes);
  const g: Graph = {
    nodes: [],
    initializers: [
      initializer('weights', DataType.DOUBLE, [F, K], weightMatrix(plans)),
      initializer(
        'bias',
        DataType.DOUBLE,
        [K],
        Float64Array.from(state.weights, (w) => decodeFloats(w)[state.options.dim]!),
      ),
      labels.tensor,
    ],
  };
  if (first.skipNonFinite) g.initializers.push(initializer('zero', DataType.DOUBLE, [], [0]));
  const z = transformInput(first, g);
  g.nodes.push(
    node('MatMul', [z, 'weights'], ['dot']),
    node('Add', ['dot', 'bias'], ['scores']),
    node('Softmax', ['scores'], ['p'], [attr.int('axis', 1)]),
    node('Cast', ['p'], [ONNX_OUTPUTS.probabilities], [attr.int('to', DataType.FLOAT)]),
    node('ArgMax', ['scores'], ['best'], [attr.int('axis', 1), attr.int('keepdims', 0)]),
    node('Gather', ['classes', 'best'], [ONNX_OUTPUTS.label], [attr.int('axis', 0)]),
  );
  const columns = first.names ? `columns ${first.names.join(', ')}` : `${F} columns, the model's input positions`;
  return {
    name: state.kind,
    node: g.nodes,
    initializer: g.initializers,
    input: [valueInfo(ONNX_INPUT, DataType.FLOAT, ['N', F], columns)],
    output: [
      valueInfo(ONNX_OUTPUTS.label, labels.type, ['N'], 'the most probable class'),
      valueInfo(ONNX_OUTPUTS.probabilities, DataType.FLOAT, ['N', K], `P(class | x), columns ${JSON.stringify(state.classes)}`),
    ],
  };
}

/** The softmax model (an instance, or its model.json state) as ONNX ModelProto bytes. */
export function softmaxToOnnx(model: SoftmaxRegression | SoftmaxState, options: OnnxExportOptions = {}): Uint8Array {
  // Restoring a plain state checks it (format, version, lengths) before anything is read from it.
  const state = (model instanceof SoftmaxRegression ? model : SoftmaxRegression.fromJSON(model)).toJSON();
  if (state.classes.length === 0) throw new OnnxExportError('the model knows no class yet: there is nothing to predict');
  const plans = classPlans(state, options);
  const first = plans[0]!;
  const metadata = new Map<string, string>([
    ['modelyard.kind', state.kind],
    ['modelyard.input', first.layout],
    ['modelyard.classes', JSON.stringify(state.classes)],
  ]);
  if (first.names) metadata.set('modelyard.features', JSON.stringify(first.names));
  const missing = first.skipNonFinite ? '; NaN or ±Infinity in a column means the feature is missing' : '';
  return encodeModel({
    graph: softmaxGraph(state, plans),
    docString: `${state.kind} exported from @modelyard/learners (${first.layout} input${missing})`,
    metadata,
  });
}
