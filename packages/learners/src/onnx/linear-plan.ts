/**
 * What a linear model computes, column by column, once the input is a dense [N, F] float matrix:
 *   score = bias + Σ_j weight_j · t_j(x_j),   t_j(x) = (x − center_j) / scale_j  (or x without a scaler)
 * This is the model's own arithmetic rearranged, never refitted: the ONNX graph evaluates exactly it.
 *
 * Dense models (fed Float64Array of length dim): column j is position j.
 * Record models (fed {name: value} records, hashed): the columns are the declared features. Feature
 * hashing is linear, so it folds into the weights at export: column j gets w[murmur3(name_j) % dim]
 * (two names that collide both get the shared weight, which is what summing them into one slot
 * does). Numbers are standardised by their name's statistics; booleans are 1/0 and never scaled
 * (hash.ts adds `true` as 1 after any transform). Categorical strings cannot be a float column
 * (their key is `name=value` and the values are not known), so such models are refused.
 */
import { decodeFloats, type EncodedFloats } from '../float-codec.js';
import { murmur3 } from '../hash.js';
import type { LinearModelKind } from '../linear-model.js';
import { OnlineStandardScaler, type ScalerState } from '../scaler.js';

export type OnnxFeatureKind = 'numeric' | 'boolean' | 'categorical';

/** A feature of a record-fed model (the shape of a learning pipeline's declared feature). */
export interface OnnxRecordFeature {
  readonly name: string;
  readonly kind: OnnxFeatureKind;
}

/** How the model was fed while it learned, which decides what the ONNX input's columns are. */
export type OnnxInputLayout =
  | { readonly kind: 'dense'; readonly names?: readonly string[] }
  | { readonly kind: 'records'; readonly features: readonly OnnxRecordFeature[] };

/** The model cannot be expressed as a graph over a dense float input (the message says why). */
export class OnnxExportError extends Error {
  override readonly name = 'OnnxExportError';
}

/**
 * One weight vector (dim features + intercept) with what it learned through: a linear model's state,
 * or one class row of a softmax model (which shares the scaler and the hashing across its rows).
 */
export interface PlanSource {
  readonly kind: LinearPlan['kind'];
  readonly options: { readonly dim: number; readonly hashSeed: number };
  readonly scaler: ScalerState | null;
  readonly weights: EncodedFloats;
}

export interface LinearPlan {
  kind: LinearModelKind | 'softmax_regression';
  layout: 'dense' | 'records';
  /** Column names in input order, when known. */
  names: readonly string[] | null;
  weights: Float64Array;
  bias: number;
  /** Standardisation per column; null when the model has no scaler. */
  standardize: { center: Float64Array; scale: Float64Array } | null;
  /** Records skip non-finite values (hash.ts: missing), so such a column adds nothing. */
  skipNonFinite: boolean;
}

/**
 * Sets column j's standardisation from the scaler's statistics at `key`. A zero sd makes the
 * learner's transform 0 whatever x is: the column's weight becomes 0 and the transform the identity,
 * so that no division by zero reaches the graph.
 */
function standardizeColumn(plan: LinearPlan, j: number, scaler: OnlineStandardScaler, key: number | string): void {
  const std = plan.standardize!;
  const sd = scaler.sd(key);
  if (sd > 0) {
    std.center[j] = scaler.mean(key);
    std.scale[j] = sd;
  } else {
    plan.weights[j] = 0;
    std.center[j] = 0;
    std.scale[j] = 1;
  }
}

function uniqueNames(names: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new OnnxExportError(`${what} ${JSON.stringify(name)} is listed twice`);
    seen.add(name);
  }
}

function emptyPlan(state: PlanSource, layout: LinearPlan['layout'], names: readonly string[] | null, columns: number): LinearPlan {
  return {
    kind: state.kind,
    layout,
    names,
    weights: new Float64Array(columns),
    bias: 0,
    standardize: state.scaler ? { center: new Float64Array(columns), scale: new Float64Array(columns).fill(1) } : null,
    skipNonFinite: layout === 'records',
  };
}

export function densePlan(state: PlanSource, names?: readonly string[]): LinearPlan {
  const dim = state.options.dim;
  if (names !== undefined) {
    if (names.length !== dim) throw new OnnxExportError(`${names.length} column names for a model of ${dim} features`);
    uniqueNames(names, 'column');
  }
  const scalerState = state.scaler;
  if (scalerState && scalerState.dense === null && scalerState.named.names.length > 0) {
    throw new OnnxExportError("the model's scaler learned named features: it was fed records, export it with input kind 'records'");
  }
  if (scalerState?.dense && scalerState.dense.mean.length !== dim) {
    const fitted = scalerState.dense.mean.length;
    throw new OnnxExportError(`the scaler was fitted on ${fitted} features, the model has ${dim}`);
  }
  const w = decodeFloats(state.weights, dim + 1);
  const plan = emptyPlan(state, 'dense', names ?? null, dim);
  plan.weights.set(w.subarray(0, dim));
  plan.bias = w[dim]!;
  if (scalerState) {
    // An unfitted scaler (no sample yet) has sd 0 everywhere: every column transforms to 0.
    const scaler = OnlineStandardScaler.fromJSON(scalerState);
    for (let j = 0; j < dim; j++) standardizeColumn(plan, j, scaler, j);
  }
  return plan;
}

export function recordsPlan(state: PlanSource, features: readonly OnnxRecordFeature[]): LinearPlan {
  if (features.length === 0) throw new OnnxExportError('a record model needs at least one feature to make a column of');
  uniqueNames(
    features.map((f) => f.name),
    'feature',
  );
  const notFloat = features.filter((f) => f.kind !== 'numeric' && f.kind !== 'boolean');
  if (notFloat.length > 0) {
    // A categorical value is hashed as the key `name=value`: the model keeps no list of the values.
    const list = notFloat.map((f) => `${f.name} (${f.kind})`).join(', ');
    throw new OnnxExportError(`features ${list} cannot be float columns: only numeric and boolean features can; serve the model.json`);
  }
  if (state.scaler?.dense) {
    throw new OnnxExportError("the model's scaler learned dense vectors: export it with input kind 'dense'");
  }
  const { dim, hashSeed } = state.options;
  const w = decodeFloats(state.weights, dim + 1);
  const plan = emptyPlan(
    state,
    'records',
    features.map((f) => f.name),
    features.length,
  );
  plan.bias = w[dim]!;
  const scaler = state.scaler ? OnlineStandardScaler.fromJSON(state.scaler) : null;
  features.forEach((f, j) => {
    plan.weights[j] = w[murmur3(f.name, hashSeed) % dim]!;
    if (scaler !== null && f.kind === 'numeric') standardizeColumn(plan, j, scaler, f.name);
  });
  return plan;
}
