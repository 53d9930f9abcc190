// Automatic choice of the drift test for one feature, following Evidently's default rule
// (evidently's get_stattest): small reference (<= 1000 rows) → a hypothesis test chosen by the
// number of distinct reference values; larger reference → a distance, because with many rows
// every test rejects for negligible differences.

import { chiSquare } from './chi-square.js';
import { DRIFT_THRESHOLDS } from './drift.js';
import { categoryCounts, distributionsFromSamples, jensenShannon } from './jensen-shannon.js';
import { ks2samp, ks2sampSorted } from './ks.js';
import { zTestProportions } from './experiment.js';
import type { Sample, SortedSample } from './sample.js';
import { wassersteinNormed, wassersteinNormedSorted } from './wasserstein.js';

export type FeatureKind = 'numeric' | 'categorical';
export type AutoTestName = 'ks' | 'chi-square' | 'z' | 'wasserstein-normed' | 'jensen-shannon';

export interface AutoTestResult {
  test: AutoTestName;
  /** The test statistic or distance. */
  statistic: number;
  /** p-value for the hypothesis tests; undefined for the distances. */
  pValue?: number;
  /** p-value threshold (drift below it) or distance threshold (drift at or above it). */
  threshold: number;
  drift: boolean;
}

/** Reference size up to which a hypothesis test is used (Evidently). */
export const AUTO_TEST_SMALL_REFERENCE = 1000;

/**
 * Picks and runs Evidently's default drift test:
 *  - reference <= 1000 rows: numeric with > 5 distinct values → KS; 3–5 distinct values (or
 *    categorical with > 2) → chi-square; <= 2 → two-proportion Z test; drift when p < 0.05.
 *  - larger: numeric with > 5 distinct values → normed Wasserstein (drift when >= 0.1);
 *    otherwise Jensen–Shannon distance (30 shared bins for numeric, categories otherwise;
 *    drift when >= 0.1).
 * The chi-square here is the homogeneity test of {@link chiSquare} (Evidently runs a
 * goodness-of-fit test against reference shares, which ignores the reference's own sampling
 * noise).
 */
export function autoTest(
  reference: Sample | ReadonlyArray<string | number>,
  current: Sample | ReadonlyArray<string | number>,
  kind: FeatureKind,
): AutoTestResult {
  if (reference.length === 0 || current.length === 0) throw new RangeError('samples must not be empty');
  const distinct = new Set<string | number>(reference).size;
  const numericManyValues = kind === 'numeric' && distinct > 5;
  if (reference.length <= AUTO_TEST_SMALL_REFERENCE) {
    if (numericManyValues) {
      const r = ks2samp(reference as Sample, current as Sample);
      return {
        test: 'ks',
        statistic: r.statistic,
        pValue: r.pValue,
        threshold: DRIFT_THRESHOLDS.pValue,
        drift: r.pValue < DRIFT_THRESHOLDS.pValue,
      };
    }
    const counts = categoryCounts(reference, current);
    if (distinct > 2) {
      const r = chiSquare(counts.ref, counts.cur);
      return {
        test: 'chi-square',
        statistic: r.statistic,
        pValue: r.pValue,
        threshold: DRIFT_THRESHOLDS.pValue,
        drift: r.pValue < DRIFT_THRESHOLDS.pValue,
      };
    }
    // Z test on the share of the first category (reference order); two-sided, so which of the
    // two categories is "success" does not change the p-value.
    const r = zTestProportions(counts.ref[0]!, reference.length, counts.cur[0]!, current.length);
    return { test: 'z', statistic: r.z, pValue: r.pValue, threshold: DRIFT_THRESHOLDS.pValue, drift: r.pValue < DRIFT_THRESHOLDS.pValue };
  }
  if (numericManyValues) {
    const d = wassersteinNormed(reference as Sample, current as Sample);
    return {
      test: 'wasserstein-normed',
      statistic: d,
      threshold: DRIFT_THRESHOLDS.wassersteinNormed,
      drift: d >= DRIFT_THRESHOLDS.wassersteinNormed,
    };
  }
  const { p, q } = distributionsFromSamples(reference, current, kind);
  const d = jensenShannon(p, q);
  return { test: 'jensen-shannon', statistic: d, threshold: DRIFT_THRESHOLDS.jensenShannon, drift: d >= DRIFT_THRESHOLDS.jensenShannon };
}

/** Distinct values of a sorted sample (one pass over its runs; -0 and +0 count once, as in a Set). */
export function distinctSorted(x: SortedSample): number {
  let distinct = x.length ? 1 : 0;
  for (let i = 1; i < x.length; i++) if (x[i] !== x[i - 1]) distinct++;
  return distinct;
}

/**
 * {@link autoTest} of a numeric feature on samples already sorted with `sortSample`, with the
 * reference's distinct-value count when it is known (a stored reference keeps it): the same
 * choice and the same results, without sorting either side or counting the reference's values again.
 */
export function autoTestSorted(
  reference: SortedSample,
  current: SortedSample,
  referenceDistinct = distinctSorted(reference),
): AutoTestResult {
  if (reference.length === 0 || current.length === 0) throw new RangeError('samples must not be empty');
  // Few distinct values: the categorical tests. Their statistics do not depend on the order, except
  // the sign of the two-proportion z, which is of the reference's first category: here its smallest value.
  if (referenceDistinct <= 5) return autoTest(reference, current, 'numeric');
  if (reference.length <= AUTO_TEST_SMALL_REFERENCE) {
    const r = ks2sampSorted(reference, current);
    return {
      test: 'ks',
      statistic: r.statistic,
      pValue: r.pValue,
      threshold: DRIFT_THRESHOLDS.pValue,
      drift: r.pValue < DRIFT_THRESHOLDS.pValue,
    };
  }
  const d = wassersteinNormedSorted(reference, current);
  return {
    test: 'wasserstein-normed',
    statistic: d,
    threshold: DRIFT_THRESHOLDS.wassersteinNormed,
    drift: d >= DRIFT_THRESHOLDS.wassersteinNormed,
  };
}
