import type { FieldError } from '@modelyard/platform';
import type { ColumnSpec, DriftRecord, FeatureSpec, OnInvalid } from '@modelyard/types';
import { CONFIDENCE, INVALID, LABEL, LATENCY, PREDICTION, SUCCESS, TS, type Column, type Columns } from '../window/window.codec.js';

export interface RecordSchema {
  features: FeatureSpec[];
  prediction: ColumnSpec | null;
  label: ColumnSpec | null;
  /** Feature values of the wrong type: a 400 (`reject`), or kept out of the statistics and counted (`count`). */
  onInvalid: OnInvalid;
}

type Value = number | string | boolean;

/** A value of a column's kind: numeric takes numbers (finite: zod refused the rest), categorical strings, booleans or integers. */
export function checkKind(kind: 'numeric' | 'categorical', v: Value): string | null {
  if (kind === 'numeric') return typeof v === 'number' ? null : `expected a number for a numeric column, got ${typeof v}`;
  if (typeof v === 'number' && !Number.isInteger(v)) return 'expected a category (string, boolean or integer), got a fractional number';
  return null;
}

/**
 * Validates a whole batch against the monitor's schema before anything is stored and returns every
 * problem with the record index and field (unknown features, prediction/label the monitor does not
 * have or of the wrong kind, and, under `onInvalid: reject`, feature values of the wrong kind), or
 * the batch as columns. A feature left out or sent as null is missing (NaN / null in its column).
 * Under `count`, a feature value of the wrong kind is stored as absent in its column and, with
 * its reason, in the record's `$invalid` entry; `invalid` counts them.
 */
export function recordsToColumns(
  schema: RecordSchema,
  records: readonly DriftRecord[],
  now: number,
  field = 'records',
): { columns: Columns; errors: FieldError[]; invalid: number } {
  const n = records.length;
  const errors: FieldError[] = [];
  const counting = schema.onInvalid === 'count';
  let invalidCount = 0;
  const kinds = new Map(schema.features.map((f) => [f.name, f.kind]));
  const values = new Map<string, Column>();
  const absent = (kind: 'numeric' | 'categorical'): Column =>
    kind === 'numeric' ? new Float64Array(n).fill(NaN) : new Array<string | null>(n).fill(null);
  for (const f of schema.features) values.set(f.name, absent(f.kind));
  if (schema.prediction) values.set(PREDICTION, absent(schema.prediction.kind));
  if (schema.label) values.set(LABEL, absent(schema.label.kind));
  const invalid = new Array<string | null>(n).fill(null);
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
    let bad: [string, Value, string][] | null = null;
    for (const name of Object.keys(r.features)) {
      const kind = kinds.get(name);
      const v = r.features[name];
      if (!kind) {
        errors.push({ field: `${field}.${i}.features.${name}`, in: 'body', message: `'${name}' is not a feature of this monitor` });
        continue;
      }
      if (v === null || v === undefined) continue; // missing: the column keeps its NaN / null
      const problem = checkKind(kind, v);
      if (!problem) put(values.get(name)!, i, v);
      else if (counting) (bad ??= []).push([name, v, problem]);
      else errors.push({ field: `${field}.${i}.features.${name}`, in: 'body', message: problem });
    }
    if (bad) {
      invalid[i] = JSON.stringify(bad);
      invalidCount += bad.length;
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
  values.set(INVALID, invalid);
  return { columns: { n, values }, errors: errors.slice(0, 100), invalid: invalidCount };
}
