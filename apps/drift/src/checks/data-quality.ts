import { missingShareTest } from '@modelyard/stats';
import type { FeatureQuality, FeatureSpec } from '@modelyard/types';
import type { Column } from '../window/window.codec.js';
import type { ReferenceColumn } from './drift-tests.js';
import { featureSeverity } from './severity.js';

/** The missing-share test flags a feature when p < this, unless the feature sets `missingThreshold`. */
export const DEFAULT_MISSING_THRESHOLD = 0.05;
/** Samples kept per feature in a report: enough to see what is wrong, small enough for every report. */
const SAMPLE = 5;

type InvalidValue = FeatureQuality['invalidSample'][number];
export interface InvalidEntries {
  count: number;
  /** The last {@link SAMPLE} bad values of the rows read, oldest first. */
  sample: InvalidValue[];
}

const InvalidRow = (json: string): [string, InvalidValue['value'], string][] =>
  JSON.parse(json) as [string, InvalidValue['value'], string][];

/**
 * The type violations of the window's rows (all rows when `rows` is null), per feature, from the
 * `$invalid` column the ingestion writes under `onInvalid: count`.
 */
export function invalidByFeature(column: Column | undefined, rows: readonly number[] | null): Map<string, InvalidEntries> {
  const out = new Map<string, InvalidEntries>();
  if (!Array.isArray(column)) return out;
  const visit = (i: number) => {
    const entry = column[i];
    if (entry === null || entry === undefined) return;
    for (const [feature, value, message] of InvalidRow(entry)) {
      let e = out.get(feature);
      if (!e) out.set(feature, (e = { count: 0, sample: [] }));
      e.count++;
      e.sample.push({ value, message });
      if (e.sample.length > SAMPLE) e.sample.shift();
    }
  };
  if (rows) for (const i of rows) visit(i);
  else for (let i = 0; i < column.length; i++) visit(i);
  return out;
}

/** What the quality of a feature is measured against, computed once per check from its reference column. */
export interface QualityBaseline {
  spec: FeatureSpec;
  /** Present and missing values of the reference (0 / 0 without a reference column). */
  referencePresent: number;
  referenceMissing: number;
  range: { min: number | null; max: number | null } | null;
  /** Categorical: the reference's categories (null-prototype counts). */
  categories: Record<string, number> | null;
}

export function qualityBaseline(spec: FeatureSpec, reference: ReferenceColumn | undefined): QualityBaseline {
  const referenceMissing = reference?.missing ?? 0;
  if (spec.kind === 'categorical') {
    const counts = reference?.kind === 'categorical' ? reference.counts : null;
    const referencePresent = counts ? Object.values(counts).reduce((s, c) => s + c, 0) : 0;
    return { spec, referencePresent, referenceMissing, range: null, categories: counts };
  }
  const values = reference?.kind === 'numeric' ? reference.values : new Float64Array();
  let lo = Infinity;
  let hi = -Infinity;
  // A stored feature is sorted: its ends are its range.
  if (reference?.kind === 'numeric' && reference.sorted && values.length) [lo, hi] = [values[0]!, values[values.length - 1]!];
  else
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  // A declared bound wins over the reference's, bound by bound.
  const min = spec.min ?? (values.length ? lo : null);
  const max = spec.max ?? (values.length ? hi : null);
  return { spec, referencePresent: values.length, referenceMissing, range: { min, max }, categories: null };
}

const shareOf = (count: number, of: number) => (of ? count / of : null);

/**
 * The data quality of one feature over the window's rows (all when `rows` is null): missing values
 * (absent or null, not counting type violations, which are stored absent too) and the z-test of
 * the change of their share against the reference, type violations, numeric values out of range,
 * categorical values the reference never saw.
 */
export function featureQuality(
  baseline: QualityBaseline,
  column: Column | undefined,
  rows: readonly number[] | null,
  invalid: InvalidEntries | undefined,
): FeatureQuality {
  const { spec } = baseline;
  const n = rows ? rows.length : (column?.length ?? 0);
  const counts =
    column instanceof Float64Array
      ? numericCounts(column, rows, n, baseline.range ?? { min: null, max: null })
      : categoricalCounts(column, rows, n, baseline.categories);
  const { absent, outOfRange, unseen, unseenSample } = counts;
  const { min, max } = baseline.range ?? { min: null, max: null };
  const typeViolations = invalid?.count ?? 0;
  const missing = absent - typeViolations;
  const present = n - absent;
  const referenceN = baseline.referencePresent + baseline.referenceMissing;
  const numeric = spec.kind === 'numeric';
  const categoricalWithReference = !numeric && baseline.categories !== null;
  return {
    name: spec.name,
    missing,
    missingShare: shareOf(missing, n),
    referenceMissingShare: shareOf(baseline.referenceMissing, referenceN),
    missingTest: n && referenceN ? missingTestOf(spec, missing, n, baseline.referenceMissing, referenceN) : null,
    typeViolations,
    typeViolationShare: shareOf(typeViolations, n),
    invalidSample: invalid?.sample ?? [],
    outOfRange: numeric ? outOfRange : null,
    outOfRangeShare: numeric ? shareOf(outOfRange, present) : null,
    range: numeric ? { min, max } : null,
    unseenCategories: categoricalWithReference ? unseen : null,
    unseenCategoryShare: categoricalWithReference ? shareOf(unseen, present) : null,
    unseenSample: [...unseenSample],
  };
}

interface Counts {
  absent: number;
  outOfRange: number;
  unseen: number;
  unseenSample: Set<string>;
}

// Two loops, one per kind, indexing the column directly when every row is read: checks run them
// for every feature of windows of up to 200,000 records.
function numericCounts(
  column: Float64Array,
  rows: readonly number[] | null,
  n: number,
  range: { min: number | null; max: number | null },
): Counts {
  const lo = range.min ?? -Infinity;
  const hi = range.max ?? Infinity;
  let absent = 0;
  let outOfRange = 0;
  for (let k = 0; k < n; k++) {
    const v = column[rows ? rows[k]! : k]!;
    if (Number.isNaN(v)) absent++;
    else if (v < lo || v > hi) outOfRange++;
  }
  return { absent, outOfRange, unseen: 0, unseenSample: new Set() };
}

function categoricalCounts(
  column: readonly (string | null)[] | undefined,
  rows: readonly number[] | null,
  n: number,
  categories: Record<string, number> | null,
): Counts {
  let absent = 0;
  let unseen = 0;
  const unseenSample = new Set<string>();
  for (let k = 0; k < n; k++) {
    const v = column?.[rows ? rows[k]! : k] ?? null;
    if (v === null) absent++;
    else if (categories && !(v in categories)) {
      unseen++;
      if (unseenSample.size < SAMPLE) unseenSample.add(v);
    }
  }
  return { absent, outOfRange: 0, unseen, unseenSample };
}

function missingTestOf(spec: FeatureSpec, missing: number, n: number, referenceMissing: number, referenceN: number) {
  const r = missingShareTest(missing, n, referenceMissing, referenceN);
  const threshold = spec.missingThreshold ?? DEFAULT_MISSING_THRESHOLD;
  const drifted = r.pValue < threshold;
  return {
    z: r.z,
    pValue: r.pValue,
    threshold,
    drifted,
    severity: featureSeverity({ drifted, pValue: r.pValue, statistic: r.z, threshold }),
  };
}
