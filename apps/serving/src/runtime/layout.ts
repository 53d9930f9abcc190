import type { Feature } from './input-schema.js';
import { isNumeric, type Datatype, type TensorSpec } from './tensors.js';

/**
 * How /v1 instances reach a runner's inputs:
 * - `matrix`: one numeric [N, F] input; column j is feature j of the schema (or position j of an
 *   array instance). What the learners' exporter and most converters produce.
 * - `columns`: one [N] (or [N, 1]) input per feature, named after it (converted pipelines with
 *   mixed types, learners' models with categorical features).
 */
export type Layout =
  | { kind: 'matrix'; input: TensorSpec; width: number | null; features: readonly Feature[] | null }
  | { kind: 'columns'; features: readonly Feature[]; inputs: readonly TensorSpec[] };

/** The version's input schema contradicts the model's inputs: the version must not serve. */
export class SchemaMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaMismatch';
  }
}

const names = (list: readonly { name: string }[]) => list.map((x) => x.name).join(', ');
const rank = (t: TensorSpec) => t.shape?.length ?? null;

function matrixLayout(input: TensorSpec, features: readonly Feature[] | null): Layout {
  const declared = input.shape?.[1] ?? -1;
  const width = declared >= 0 ? declared : null;
  if (!features) return { kind: 'matrix', input, width, features: null };
  const categorical = features.filter((f) => f.kind === 'categorical');
  if (categorical.length) {
    throw new SchemaMismatch(
      `categorical features (${names(categorical)}) cannot be columns of the ${input.datatype} matrix '${input.name}'`,
    );
  }
  if (width !== null && width !== features.length) {
    const listed = `${features.length} features (${names(features)})`;
    throw new SchemaMismatch(`input '${input.name}' takes ${width} columns, the input schema lists ${listed}`);
  }
  return { kind: 'matrix', input, width: features.length, features };
}

function fits(kind: Feature['kind'], datatype: Datatype): boolean {
  if (kind === 'categorical') return datatype === 'BYTES';
  if (kind === 'boolean') return datatype === 'BOOL' || isNumeric(datatype);
  return isNumeric(datatype);
}

function columnsLayout(inputs: readonly TensorSpec[], features: readonly Feature[]): Layout {
  const byName = new Map(inputs.map((i) => [i.name, i]));
  const wanted = new Set(features.map((f) => f.name));
  const extra = inputs.filter((i) => !wanted.has(i.name));
  const missing = features.filter((f) => !byName.has(f.name));
  if (extra.length || missing.length) {
    throw new SchemaMismatch(`the model's inputs (${names(inputs)}) are not the input schema's features (${names(features)})`);
  }
  const columns = features.map((f) => {
    const input = byName.get(f.name)!;
    const shape = input.shape;
    if (shape && !(shape.length === 1 || (shape.length === 2 && shape[1]! <= 1))) {
      throw new SchemaMismatch(`input '${f.name}' has shape [${shape.join(', ')}]; one value per instance is expected`);
    }
    if (!fits(f.kind, input.datatype)) throw new SchemaMismatch(`feature '${f.name}' is ${f.kind}, input '${f.name}' is ${input.datatype}`);
    return input;
  });
  return { kind: 'columns', features, inputs: columns };
}

/**
 * The layout of a runner's inputs for the version's features. Throws SchemaMismatch when the
 * schema and the model disagree (the version then fails to load); null when the model cannot take
 * /v1 instances at all without a schema (several inputs, none declared): /v2 still serves it.
 */
export function layoutOf(inputs: readonly TensorSpec[], features: readonly Feature[] | null): Layout | null {
  const only = inputs.length === 1 ? inputs[0]! : null;
  const matrixLike = only !== null && (rank(only) === null || rank(only) === 2) && isNumeric(only.datatype);
  if (matrixLike) return matrixLayout(only, features);
  if (!features) return null;
  return columnsLayout(inputs, features);
}
