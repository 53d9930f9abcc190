import type { FieldError } from '@modelyard/platform';
import type { ColumnSpec, DriftRecord, FeatureSpec } from '@modelyard/types';
import { CONFIDENCE, LABEL, LATENCY, PREDICTION, SUCCESS, TS, type Column, type Columns } from '../window/window.codec.js';

export interface RecordSchema {
  features: FeatureSpec[];
  prediction: ColumnSpec | null;
  label: ColumnSpec | null;
}

type Value = number | string | boolean;

/** A value of a column's kind: numeric takes numbers (finite: zod refused the rest), categorical strings, booleans or integers. */
export function checkKind(kind: 'numeric' | 'categorical', v: Value): string | null {
  if (kind === 'numeric') return typeof v === 'number' ? null : `expected a number for a numeric column, got ${typeof v}`;
  if (typeof v === 'number' && !Number.isInteger(v)) return 'expected a category (string, boolean or integer), got a fractional number';
  return null;
}

/**
 * Validates a whole batch against the monitor's schema before anything is stored — unknown or
 * missing features, values of the wrong kind, prediction/label the monitor does not have — and
 * returns every problem with the record index and field, or the batch as columns.
 */
export function recordsToColumns(
  schema: RecordSchema,
  records: readonly DriftRecord[],
  now: number,
  field = 'records',
): { columns: Columns; errors: FieldError[] } {
  const n = records.length;
  const errors: FieldError[] = [];
  const kinds = new Map(schema.features.map((f) => [f.name, f.kind]));
  const values = new Map<string, Column>();
  for (const f of schema.features) values.set(f.name, f.kind === 'numeric' ? new Float64Array(n) : new Array<string | null>(n));
  const side = (name: string, spec: ColumnSpec | null) => {
    if (spec) values.set(name, spec.kind === 'numeric' ? new Float64Array(n).fill(NaN) : new Array<string | null>(n).fill(null));
  };
  side(PREDICTION, schema.prediction);
  side(LABEL, schema.label);
  const confidence = new Float64Array(n).fill(NaN);
  const latency = new Float64Array(n).fill(NaN);
  const success = new Float64Array(n).fill(NaN);
  const ts = new Float64Array(n);
  const put = (column: Column, i: number, v: Value) => {
    if (column instanceof Float64Array) column[i] = v as number;
    else column[i] = String(v);
  };

  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    let seen = 0;
    for (const name of Object.keys(r.features)) {
      const kind = kinds.get(name);
      const v = r.features[name]!;
      if (!kind) {
        errors.push({ field: `${field}.${i}.features.${name}`, in: 'body', message: `'${name}' is not a feature of this monitor` });
        continue;
      }
      seen++;
      const problem = checkKind(kind, v);
      if (problem) errors.push({ field: `${field}.${i}.features.${name}`, in: 'body', message: problem });
      else put(values.get(name)!, i, v);
    }
    if (seen < kinds.size) {
      for (const f of schema.features) {
        // Own keys only: `in` would find a feature called "constructor" on every record.
        if (Object.hasOwn(r.features, f.name)) continue;
        const message = 'missing: every record carries every feature';
        errors.push({ field: `${field}.${i}.features.${f.name}`, in: 'body', message });
      }
    }
    for (const [key, name, spec] of [
      ['prediction', PREDICTION, schema.prediction],
      ['label', LABEL, schema.label],
    ] as const) {
      const v = r[key];
      if (v === undefined) continue;
      if (!spec) errors.push({ field: `${field}.${i}.${key}`, in: 'body', message: `this monitor has no ${key} column` });
      else {
        const problem = checkKind(spec.kind, v);
        if (problem) errors.push({ field: `${field}.${i}.${key}`, in: 'body', message: problem });
        else put(values.get(name)!, i, v);
      }
    }
    if (r.confidence !== undefined) confidence[i] = r.confidence;
    if (r.latencyMs !== undefined) latency[i] = r.latencyMs;
    if (r.success !== undefined) success[i] = r.success ? 1 : 0;
    ts[i] = r.ts ? Date.parse(r.ts) : now;
    // Errors are capped so a wholly wrong 10,000-record batch gets a readable answer.
    if (errors.length >= 100) break;
  }
  values.set(CONFIDENCE, confidence);
  values.set(LATENCY, latency);
  values.set(SUCCESS, success);
  values.set(TS, ts);
  return { columns: { n, values }, errors: errors.slice(0, 100) };
}
