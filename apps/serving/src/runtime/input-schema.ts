import type { JsonObject, JsonValue } from '@modelyard/types';

export type FeatureKind = 'numeric' | 'boolean' | 'categorical';

/** One named input of an instance, in the order the model's input tensor takes them. */
export interface Feature {
  readonly name: string;
  readonly kind: FeatureKind;
}

/** A version's input schema that cannot be read as a list of features. */
export class InputSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputSchemaError';
  }
}

// Type names as MLflow signatures, pandas/numpy dtypes and the learning pipelines write them.
const KINDS = new Map<string, FeatureKind>([
  ...['numeric', 'number', 'double', 'float', 'float32', 'float64', 'fp32', 'fp64', 'integer', 'int', 'int32', 'int64', 'long'].map(
    (t) => [t, 'numeric'] as const,
  ),
  ...['boolean', 'bool'].map((t) => [t, 'boolean'] as const),
  ...['categorical', 'category', 'string', 'str', 'bytes'].map((t) => [t, 'categorical'] as const),
]);

function field(value: JsonValue | undefined, key: string): JsonValue | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

function feature(entry: JsonValue, at: string): Feature {
  if (typeof entry === 'string') return { name: entry, kind: 'numeric' };
  const name = field(entry, 'name');
  if (typeof name !== 'string' || name === '') throw new InputSchemaError(`${at}: a name or {name, kind} is expected`);
  const declared = field(entry, 'kind') ?? field(entry, 'type') ?? 'numeric';
  const kind = typeof declared === 'string' ? KINDS.get(declared.toLowerCase()) : undefined;
  if (!kind) throw new InputSchemaError(`${at} (${name}): unknown kind ${JSON.stringify(declared)}`);
  return { name, kind };
}

/**
 * The features of a version's input schema, in order: `inputSchema.inputs` (the registry's
 * convention, MLflow-like) or else `inputSchema.features` (what learning pipelines register). Each
 * entry is a name (numeric) or `{name, kind | type}` with kind numeric, boolean or categorical (or a
 * type name that means one). Null when the version declares neither.
 */
export function featuresOf(inputSchema: JsonObject | null): Feature[] | null {
  if (!inputSchema) return null;
  const key = Object.hasOwn(inputSchema, 'inputs') ? 'inputs' : Object.hasOwn(inputSchema, 'features') ? 'features' : null;
  if (!key) return null;
  const list = inputSchema[key];
  if (!Array.isArray(list) || list.length === 0) throw new InputSchemaError(`inputSchema.${key} must be a non-empty array`);
  const features = list.map((entry, i) => feature(entry, `inputSchema.${key}.${i}`));
  const seen = new Set<string>();
  for (const f of features) {
    if (seen.has(f.name)) throw new InputSchemaError(`inputSchema.${key} names '${f.name}' twice`);
    seen.add(f.name);
  }
  return features;
}
