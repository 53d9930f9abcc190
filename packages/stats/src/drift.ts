// The numeric drift check: KS, Wasserstein and PSI of one feature, sorting each sample once and
// sharing the sorted copies between the three tests (sorting dominates their cost).

import { ks2sampSorted, type KsOptions, type KsResult } from './ks.js';
import { psiSorted, type PsiOptions, type PsiResult } from './psi.js';
import { type Sample, sortSample } from './sample.js';
import { populationStd, WASSERSTEIN_STD_FLOOR, wassersteinSorted } from './wasserstein.js';

/** Default drift thresholds (Evidently's defaults). */
export const DRIFT_THRESHOLDS = {
  /** KS, chi-square and Z tests: drift when p < 0.05. */
  pValue: 0.05,
  /** Normed Wasserstein distance: drift when >= 0.1. */
  wassersteinNormed: 0.1,
  /** Jensen–Shannon distance: drift when >= 0.1. */
  jensenShannon: 0.1,
  /** PSI: drift when >= 0.1. */
  psi: 0.1,
} as const;

export interface NumericDriftResult {
  ks: KsResult;
  wasserstein: number;
  /** wasserstein / max(std(reference), 0.001). */
  wassersteinNormed: number;
  psi: PsiResult;
}

export interface NumericDriftOptions {
  ks?: KsOptions;
  psi?: PsiOptions;
}

/** KS + Wasserstein (raw and normed) + PSI of `current` against `reference`, one sort each. */
export function driftNumeric(
  reference: Sample,
  current: Sample,
  options: NumericDriftOptions = {},
): NumericDriftResult {
  const ref = sortSample(reference, 'reference');
  const cur = sortSample(current, 'current');
  const wasserstein = wassersteinSorted(ref, cur);
  return {
    ks: ks2sampSorted(ref, cur, options.ks),
    wasserstein,
    wassersteinNormed: wasserstein / Math.max(populationStd(ref), WASSERSTEIN_STD_FLOOR),
    psi: psiSorted(ref, cur, options.psi),
  };
}
