import { zTestProportions } from './experiment.js';

export interface MissingShareResult {
  /** Missing share of the current window (missing / records). */
  currentShare: number;
  referenceShare: number;
  /** Pooled two-proportion z of current − reference (statsmodels `proportions_ztest`). */
  z: number;
  pValue: number;
}

/**
 * Has a feature's missing share changed between the reference and the current window? The pooled
 * two-proportion z-test, two-sided, of `currentMissing / currentN` against
 * `referenceMissing / referenceN`. Where statsmodels answers NaN (both shares 0 or both 1: no
 * variance), this answers z = 0, p = 1: no evidence of a change.
 */
export function missingShareTest(
  currentMissing: number,
  currentN: number,
  referenceMissing: number,
  referenceN: number,
): MissingShareResult {
  const r = zTestProportions(currentMissing, currentN, referenceMissing, referenceN);
  return { currentShare: currentMissing / currentN, referenceShare: referenceMissing / referenceN, z: r.z, pValue: r.pValue };
}
