import {
  autoTest,
  autoTestSorted,
  categoryCounts,
  chiSquare,
  distributionsFromSamples,
  DRIFT_THRESHOLDS,
  jensenShannon,
  ks2sampAgainstSorted,
  psiCounts,
  psiSorted,
  sortSample,
  wassersteinNormedSorted,
  zTestProportions,
  type AutoTestName,
  type SortedSample,
} from '@modelyard/stats';
import type { ColumnKind, DriftTestName, FeatureDrift } from '@modelyard/types';
import { featureSeverity } from './severity.js';

/**
 * A reference column as stored: numeric values, or counts per category; `missing` values apart (0
 * when absent). A feature's numeric values are stored sorted (`sorted`, with their `distinct`
 * count), so a check sorts only the window's side.
 */
export type ReferenceColumn = (
  { kind: 'numeric'; values: Float64Array; sorted?: boolean; distinct?: number } | { kind: 'categorical'; counts: Record<string, number> }
) & {
  missing?: number;
};

/** A numeric reference column's values sorted (as stored, or sorted now for one stored before). */
export const sortedValues = (column: { values: Float64Array; sorted?: boolean }): SortedSample =>
  column.sorted ? (column.values as SortedSample) : sortSample(column.values, 'reference');

export interface TestSpec {
  name: string;
  kind: ColumnKind;
  test: DriftTestName;
  threshold?: number;
}

const AUTO_NAMES: Record<AutoTestName, Exclude<DriftTestName, 'auto'>> = {
  ks: 'ks',
  'chi-square': 'chi2',
  z: 'z',
  'wasserstein-normed': 'wasserstein',
  'jensen-shannon': 'js',
};

const isPValueTest = (t: DriftTestName) => t === 'ks' || t === 'chi2' || t === 'z';
const defaultThreshold = (t: DriftTestName) =>
  isPValueTest(t)
    ? DRIFT_THRESHOLDS.pValue
    : t === 'psi'
      ? DRIFT_THRESHOLDS.psi
      : t === 'js'
        ? DRIFT_THRESHOLDS.jensenShannon
        : DRIFT_THRESHOLDS.wassersteinNormed;

/** Tests that need numbers; refused for categorical columns at monitor creation (PSI bins categories by themselves). */
export const NUMERIC_ONLY_TESTS: readonly DriftTestName[] = ['ks', 'wasserstein'];

/**
 * Categorical samples as category codes shared by both sides (reference categories first, in the
 * order the counts list them), so the stats package's categorical tests see numbers.
 */
function categoricalSamples(counts: Record<string, number>, current: readonly (string | null)[]): { ref: Float64Array; cur: Float64Array } {
  const codes = new Map<string, number>();
  const total = Object.values(counts).reduce((s, c) => s + c, 0);
  const ref = new Float64Array(total);
  let at = 0;
  for (const [category, count] of Object.entries(counts)) {
    const code = codes.size;
    codes.set(category, code);
    ref.fill(code, at, at + count);
    at += count;
  }
  const present = current.filter((v): v is string => v !== null);
  const cur = new Float64Array(present.length);
  present.forEach((v, i) => {
    let code = codes.get(v);
    if (code === undefined) codes.set(v, (code = codes.size));
    cur[i] = code;
  });
  return { ref, cur };
}

const finite = (x: Float64Array): Float64Array => {
  // Absent values (NaN) are left out of the test, as a missing value carries no distribution.
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) n++;
  if (n === x.length) return x;
  const out = new Float64Array(n);
  for (let i = 0, j = 0; i < x.length; i++) if (!Number.isNaN(x[i])) out[j++] = x[i]!;
  return out;
};

/**
 * Runs the column's test of the window against the reference; null when either side is empty.
 * Every statistic comes from @modelyard/stats; `auto` is its Evidently-style choice.
 */
export function runDriftTest(
  spec: TestSpec,
  reference: ReferenceColumn,
  current: Float64Array | readonly (string | null)[],
): FeatureDrift | null {
  const { ref, cur } =
    reference.kind === 'numeric'
      ? { ref: reference.values, cur: finite(current as Float64Array) }
      : categoricalSamples(reference.counts, current as (string | null)[]);
  if (ref.length === 0 || cur.length === 0) return null;

  // Numeric: the reference is stored sorted; the window's side is sorted only for the tests that need it.
  const sortedRef = () => (reference.kind === 'numeric' ? sortedValues(reference) : sortSample(ref));
  let test: Exclude<DriftTestName, 'auto'>;
  let statistic: number;
  let pValue: number | null = null;
  if (spec.test === 'auto') {
    const r =
      reference.kind === 'numeric' && spec.kind === 'numeric'
        ? autoTestSorted(sortedRef(), sortSample(cur, 'current'), reference.distinct)
        : autoTest(ref, cur, spec.kind);
    test = AUTO_NAMES[r.test];
    statistic = r.statistic;
    pValue = r.pValue ?? null;
  } else {
    test = spec.test;
    switch (spec.test) {
      case 'ks': {
        // The window's side is ranked in the sorted reference, not sorted itself.
        const r = ks2sampAgainstSorted(sortedRef(), cur);
        statistic = r.statistic;
        pValue = r.pValue;
        break;
      }
      case 'psi':
        if (spec.kind === 'categorical') {
          const counts = categoryCounts(ref, cur);
          statistic = psiCounts(counts.ref, counts.cur);
        } else statistic = psiSorted(sortedRef(), sortSample(cur, 'current')).value;
        break;
      case 'wasserstein':
        statistic = wassersteinNormedSorted(sortedRef(), sortSample(cur, 'current'));
        break;
      case 'js': {
        const { p, q } = distributionsFromSamples(ref, cur, spec.kind);
        statistic = jensenShannon(p, q);
        break;
      }
      case 'chi2': {
        const counts = categoryCounts(ref, cur);
        // One category on both sides: identical distributions, no test to run.
        const r = counts.categories.length < 2 ? { statistic: 0, pValue: 1 } : chiSquare(counts.ref, counts.cur);
        statistic = r.statistic;
        pValue = r.pValue;
        break;
      }
      case 'z': {
        // Share of the reference's first category, two-sided (which category is "success" does not matter for two).
        const counts = categoryCounts(ref, cur);
        const r = zTestProportions(counts.ref[0]!, ref.length, counts.cur[0]!, cur.length);
        statistic = r.z;
        pValue = r.pValue;
        break;
      }
    }
  }
  const threshold = spec.threshold ?? defaultThreshold(test);
  const drifted = pValue !== null ? pValue < threshold : statistic >= threshold;
  const result = { name: spec.name, test, statistic, pValue, threshold, drifted };
  return { ...result, severity: featureSeverity(result) };
}
