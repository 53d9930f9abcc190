import {
  AUTO_TEST_SMALL_REFERENCE,
  chiSquare,
  cdfDistances,
  DRIFT_THRESHOLDS,
  jensenShannon,
  ksPValue,
  psiCounts,
  psiFromCdfs,
  wassersteinFromCdfs,
  zTestProportions,
  type StepCdf,
} from '@modelyard/stats';
import type { DriftTestName, WindowFeatureDriftResponse } from '@modelyard/types';
import type { TestSpec } from './drift-tests.js';
import { featureSeverity } from './severity.js';

/**
 * Uniform rank error of one KLL sketch at the default k (2048): the bound tested in
 * packages/stats/test/kll.spec.ts (1M-value streams and merges of 168 hourly sketches stay under it).
 */
export const SKETCH_RANK_ERROR = 0.003;
/** PSI error from sketches, tested on 1M vs 1M samples (packages/stats/test/kll.spec.ts). */
export const SKETCH_PSI_BOUND = 0.01;

/** One side of a numeric test: its step CDF and whether it summarises the values exactly. */
export interface CdfSide {
  cdf: StepCdf;
  exact: boolean;
  min: number;
  max: number;
}

type Result = Omit<WindowFeatureDriftResponse, 'values'>;

function finish(spec: TestSpec, test: string, statistic: number, pValue: number | null, bound: number, method: 'exact' | 'sketch'): Result {
  const threshold = spec.threshold ?? defaultThreshold(test);
  const drifted = pValue !== null ? pValue < threshold : statistic >= threshold;
  const r = { name: spec.name, test, statistic, pValue, threshold, drifted };
  return { ...r, severity: featureSeverity(r), method, bound };
}

const defaultThreshold = (test: string): number =>
  test === 'psi'
    ? DRIFT_THRESHOLDS.psi
    : test === 'js'
      ? DRIFT_THRESHOLDS.jensenShannon
      : test === 'wasserstein'
        ? DRIFT_THRESHOLDS.wassersteinNormed
        : DRIFT_THRESHOLDS.pValue;

/** Numeric tests available from CDFs; `auto` follows Evidently's rule on the reference size, others fall back to KS. */
function numericTest(test: DriftTestName, referenceN: number): 'ks' | 'psi' | 'wasserstein' {
  if (test === 'psi' || test === 'wasserstein' || test === 'ks') return test;
  return referenceN <= AUTO_TEST_SMALL_REFERENCE ? 'ks' : 'wasserstein';
}

/**
 * A numeric feature's test from step CDFs. With ε per sketched side (0 for an exact one):
 * KS statistic ± (ε_ref + ε_cur), and its p-value is taken at D − bound (a difference the sketch
 * could have made up never counts as drift, however large the window); normed W1 ± (ε_ref +
 * ε_cur)·(range)/sd; PSI ± 0.01.
 */
export function numericFromCdfs(spec: TestSpec, reference: CdfSide, current: CdfSide): Result {
  const eps = (reference.exact ? 0 : SKETCH_RANK_ERROR) + (current.exact ? 0 : SKETCH_RANK_ERROR);
  const method = eps === 0 ? 'exact' : 'sketch';
  const test = numericTest(spec.test, reference.cdf.n);
  if (test === 'ks') {
    const { d } = cdfDistances(reference.cdf, current.cdf);
    const p = ksPValue(Math.max(0, d - eps), reference.cdf.n, current.cdf.n, 'asymp').pValue;
    return finish(spec, 'ks', d, p, eps, method);
  }
  if (test === 'psi') return finish(spec, 'psi', psiFromCdfs(reference.cdf, current.cdf), null, eps ? SKETCH_PSI_BOUND : 0, method);
  const range = Math.max(reference.max, current.max) - Math.min(reference.min, current.min);
  const sd = Math.max(reference.cdf.std, 0.001);
  return finish(spec, 'wasserstein', wassersteinFromCdfs(reference.cdf, current.cdf).normed, null, (eps * range) / sd, method);
}

/**
 * A categorical feature's test from category counts (exact: counts merge without error). `auto` as
 * Evidently: small reference → chi-square (3+ categories) or two-proportion z, else Jensen–Shannon.
 */
export function categoricalFromCounts(
  spec: TestSpec,
  reference: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, number>,
): Result {
  const categories = [...new Set([...reference.keys(), ...current.keys()])];
  const ref = categories.map((c) => reference.get(c) ?? 0);
  const cur = categories.map((c) => current.get(c) ?? 0);
  const refN = ref.reduce((s, c) => s + c, 0);
  const curN = cur.reduce((s, c) => s + c, 0);
  let test = spec.test;
  if (test === 'auto' || test === 'ks' || test === 'wasserstein')
    test = refN > AUTO_TEST_SMALL_REFERENCE ? 'js' : reference.size > 2 ? 'chi2' : 'z';
  switch (test) {
    case 'psi':
      return finish(spec, 'psi', psiCounts(ref, cur), null, 0, 'exact');
    case 'js':
      return finish(spec, 'js', jensenShannon(ref, cur), null, 0, 'exact');
    case 'chi2': {
      const r = categories.length < 2 ? { statistic: 0, pValue: 1 } : chiSquare(ref, cur);
      return finish(spec, 'chi2', r.statistic, r.pValue, 0, 'exact');
    }
    case 'z':
    default: {
      const r = zTestProportions(ref[0]!, refN, cur[0]!, curN);
      return finish(spec, 'z', r.z, r.pValue, 0, 'exact');
    }
  }
}
