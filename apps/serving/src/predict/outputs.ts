import { isFloat, jsonElement, type HostTensor, type TensorSpec } from '../runtime/tensors.js';

/** Which outputs answer a /v1 call: the prediction, and the class probabilities when there are some. */
export interface OutputChoice {
  prediction: string;
  probabilities: string | null;
}

// Names the learners' exporter, skl2onnx and the common converters give these outputs.
const PREDICTION_NAMES = ['label', 'output_label', 'variable', 'predictions', 'prediction', 'output'];
const PROBABILITY_NAMES = ['probabilities', 'output_probability', 'probability', 'probs'];

/**
 * The prediction is the first output with a known name (else the first output); the probabilities
 * are the output with a known name, or else, in a two-output model, the other output when it is a
 * float matrix (label + scores, as converted classifiers answer).
 */
export function chooseOutputs(outputs: readonly TensorSpec[]): OutputChoice {
  const named = (list: string[]) => list.map((n) => outputs.find((o) => o.name === n)).find((o) => o !== undefined);
  const prediction = (named(PREDICTION_NAMES) ?? outputs[0]!).name;
  let probabilities = named(PROBABILITY_NAMES)?.name ?? null;
  if (!probabilities && outputs.length === 2) {
    const other = outputs.find((o) => o.name !== prediction)!;
    if (isFloat(other.datatype) && other.shape?.length === 2) probabilities = other.name;
  }
  return { prediction, probabilities: probabilities === prediction ? null : probabilities };
}

export type InstanceValue = number | string | boolean | (number | string | boolean)[];

/** An output split by instance: a scalar for [N] or [N, 1], else the instance's values in order. */
export function perInstance(t: HostTensor, n: number): InstanceValue[] {
  const per = n === 0 ? 0 : t.data.length / n;
  if (t.shape[0] !== n || !Number.isInteger(per)) {
    throw new RangeError(`output has shape [${t.shape.join(', ')}] for ${n} instances`);
  }
  const out = new Array<InstanceValue>(n);
  for (let i = 0; i < n; i++) {
    if (per === 1) {
      out[i] = jsonElement(t.datatype, t.data, i);
      continue;
    }
    const row = new Array<number | string | boolean>(per);
    for (let k = 0; k < per; k++) row[k] = jsonElement(t.datatype, t.data, i * per + k);
    out[i] = row;
  }
  return out;
}
