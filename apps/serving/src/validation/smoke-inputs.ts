import type { JsonObject, JsonValue } from '@modelyard/types';
import type { Feature } from '../runtime/input-schema.js';
import type { Layout } from '../runtime/layout.js';

/** The instances a smoke run sends, and where they came from (said in the report). */
export interface SmokeInstances {
  source: string;
  instances: JsonValue[];
}

/** Most example instances used: a smoke run, not a benchmark. */
const MAX_EXAMPLES = 100;
const SYNTHETIC_ROWS = 3;

/**
 * The version's own example: `inputSchema.examples` (instances as /v1 predict takes them: records
 * by feature name or arrays in the schema's order) or `inputSchema.example` (one instance), the
 * way MLflow keeps an input example beside a signature. Null when it declares none.
 */
export function declaredExamples(inputSchema: JsonObject | null): SmokeInstances | null {
  if (!inputSchema) return null;
  if (Object.hasOwn(inputSchema, 'examples') && Array.isArray(inputSchema.examples) && inputSchema.examples.length) {
    return { source: 'inputSchema.examples', instances: inputSchema.examples.slice(0, MAX_EXAMPLES) };
  }
  if (Object.hasOwn(inputSchema, 'example') && inputSchema.example !== undefined && inputSchema.example !== null) {
    return { source: 'inputSchema.example', instances: [inputSchema.example] };
  }
  return null;
}

function syntheticValue(f: Feature, row: number): JsonValue {
  if (f.kind === 'boolean') return row % 2 === 1;
  if (f.kind === 'categorical') return ['', 'a', 'b'][row % 3]!;
  return [0, 1, -1][row % 3]!;
}

/**
 * Instances made up from the schema when the version brings no example: zeros, ones and minus
 * ones (false/true, '', 'a', 'b'), enough to see the graph run on more than one row. Null when
 * /v1 cannot call the model (no layout) or its width is unknown: the warm-up feeds are used then.
 */
export function syntheticInstances(layout: Layout | null): SmokeInstances | null {
  if (!layout) return null;
  const rows = Array.from({ length: SYNTHETIC_ROWS }, (_, r) => r);
  if (layout.features) {
    const features = layout.features;
    return { source: 'synthetic instances from the input schema', instances: rows.map((r) => features.map((f) => syntheticValue(f, r))) };
  }
  if (layout.kind === 'matrix' && layout.width !== null) {
    const width = layout.width;
    return {
      source: `synthetic instances of ${width} numbers`,
      instances: rows.map((r) => Array.from({ length: width }, () => [0, 1, -1][r]!)),
    };
  }
  return null;
}
