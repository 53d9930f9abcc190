/**
 * The input side shared by the exported graphs: float [N, F] → Cast to double → (x − center) / scale
 * → [records: non-finite → 0]; see linear-onnx.ts and softmax-onnx.ts for what follows it.
 */
import type { LinearPlan, OnnxInputLayout } from './linear-plan.js';
import { attr, DataType, initializer, node, type Onnx } from './proto.js';

export const ONNX_INPUT = 'input';
export const ONNX_OUTPUTS = { label: 'label', probabilities: 'probabilities', variable: 'variable' } as const;

export interface OnnxExportOptions {
  /** Default `{ kind: 'dense' }`: columns are the model's dim positions. */
  readonly input?: OnnxInputLayout;
}

export interface Graph {
  nodes: Onnx.INodeProto[];
  initializers: Onnx.ITensorProto[];
}

/** Cast, standardisation and the missing-value mask; returns the name of the transformed input. */
export function transformInput(plan: LinearPlan, g: Graph): string {
  const F = plan.weights.length;
  g.nodes.push(node('Cast', [ONNX_INPUT], ['x'], [attr.int('to', DataType.DOUBLE)]));
  let z = 'x';
  if (plan.standardize) {
    g.initializers.push(initializer('center', DataType.DOUBLE, [F], plan.standardize.center));
    g.initializers.push(initializer('scale', DataType.DOUBLE, [F], plan.standardize.scale));
    g.nodes.push(node('Sub', ['x', 'center'], ['centered']), node('Div', ['centered', 'scale'], ['standardized']));
    z = 'standardized';
  }
  if (plan.skipNonFinite) {
    // Masked after scaling: a missing value contributes 0 to the score, not the transform of 0.
    g.nodes.push(
      node('IsNaN', ['x'], ['is_nan']),
      node('IsInf', ['x'], ['is_inf']),
      node('Or', ['is_nan', 'is_inf'], ['missing']),
      node('Where', ['missing', 'zero', z], ['present']),
    );
    z = 'present';
  }
  return z;
}
