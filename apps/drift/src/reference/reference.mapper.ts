import type { DriftColumnKind, DriftReference, Prisma } from '@modelyard/db';
import { distinctSorted, sortSample } from '@modelyard/stats';
import { z } from 'zod';
import type { ReferenceColumn } from '../checks/drift-tests.js';

const pack = (values: Float64Array): Uint8Array<ArrayBuffer> =>
  new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength) as ArrayBuffer);
const unpack = (bytes: Uint8Array): Float64Array =>
  new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));

const CountPairs = z.array(z.tuple([z.string(), z.number()]));

/** The stored form of one reference column. */
export interface ReferenceData {
  kind: DriftColumnKind;
  rows: number;
  missing: number;
  values: Uint8Array<ArrayBuffer> | null;
  /** Absent for numeric columns. */
  counts?: [string, number][];
  sorted: boolean;
  distinct: number | null;
}

/** A feature's column (not an operational or calibration column, named `$…`, whose order pairs it with the others). */
export const isFeatureColumn = (column: string) => !column.startsWith('$');

/**
 * A feature's numeric values sorted, with their distinct count: done once when the reference is
 * stored, so a check does not sort the reference again (the order of the values carries nothing).
 */
export function prepared(column: string, ref: ReferenceColumn): ReferenceColumn {
  if (ref.kind !== 'numeric' || !isFeatureColumn(column) || ref.sorted) return ref;
  if (!ref.values.length) return { ...ref, sorted: true, distinct: 0 };
  const values = sortSample(ref.values, column);
  return { ...ref, values, sorted: true, distinct: distinctSorted(values) };
}

/** A stored reference column as the checks use it: float64 values, or counts per category. */
export function toReferenceColumn(
  row: Pick<DriftReference, 'kind' | 'values' | 'counts' | 'missing' | 'sorted' | 'distinct'>,
): ReferenceColumn {
  if (row.kind === 'numeric') {
    const values = unpack(row.values ?? new Uint8Array());
    const sorted = row.sorted ? { sorted: true, distinct: row.distinct ?? undefined } : {};
    return { kind: 'numeric', values, missing: row.missing, ...sorted };
  }
  return { kind: 'categorical', counts: countsOf(row.counts), missing: row.missing };
}

export function toReferenceData(column: ReferenceColumn): ReferenceData {
  const missing = column.missing ?? 0;
  if (column.kind === 'numeric') {
    const sorted = column.sorted === true;
    const distinct = sorted ? (column.distinct ?? null) : null;
    return { kind: 'numeric', rows: column.values.length, missing, values: pack(column.values), sorted, distinct };
  }
  const counts = Object.entries(column.counts);
  return { kind: 'categorical', rows: counts.reduce((s, [, c]) => s + c, 0), missing, values: null, counts, sorted: false, distinct: null };
}

/** An empty category count: no prototype, since a category may be called "constructor" or "__proto__". */
export const emptyCounts = (): Record<string, number> => Object.create(null) as Record<string, number>;

/**
 * Category counts are stored as [category, count] pairs: as object keys, a category named
 * "__proto__" would not survive the JSON round trip. Objects (the first stored form) are still read.
 */
function countsOf(json: Prisma.JsonValue | null): Record<string, number> {
  const counts = emptyCounts();
  const pairs = CountPairs.parse(Array.isArray(json) ? json : Object.entries(json ?? {}));
  for (const [category, count] of pairs) counts[category] = count;
  return counts;
}
