import { SEVERITY_RANK, type Severity } from '@modelyard/types';

const BY_RANK: Severity[] = ['none', 'low', 'medium', 'high', 'critical'];

export const maxSeverity = (list: readonly Severity[]): Severity => BY_RANK[Math.max(0, ...list.map((s) => SEVERITY_RANK[s]))]!;
export const atLeast = (s: Severity, min: Severity): boolean => SEVERITY_RANK[s] >= SEVERITY_RANK[min];

/**
 * Severity of one feature's (or the prediction's) result — the documented rule:
 *  - not drifted: none;
 *  - hypothesis tests (KS, chi-square, Z; drift when p < α): low, medium once p < α·10⁻²,
 *    high once p < α·10⁻⁴;
 *  - distances (PSI, Jensen–Shannon, normed Wasserstein; drift when d ≥ t): low, medium once
 *    d ≥ 2t, high once d ≥ 4t.
 * A single feature is never critical; that takes breadth (see {@link overallSeverity}).
 */
export function featureSeverity(r: { drifted: boolean; pValue: number | null; statistic: number; threshold: number }): Severity {
  if (!r.drifted) return 'none';
  if (r.pValue !== null) {
    if (r.pValue < r.threshold * 1e-4) return 'high';
    return r.pValue < r.threshold * 1e-2 ? 'medium' : 'low';
  }
  if (r.statistic >= 4 * r.threshold) return 'high';
  return r.statistic >= 2 * r.threshold ? 'medium' : 'low';
}

/**
 * Overall severity of a check: the highest feature/prediction severity, raised one level when at
 * least 25 % of the features drifted and two levels when at least 50 % did (capped at critical).
 * So `critical` means broad drift with at least one strong signal (or a majority of features
 * drifting, at least one of them at medium).
 */
export function overallSeverity(severities: readonly Severity[], driftedShare: number): Severity {
  const top = SEVERITY_RANK[maxSeverity(severities)];
  if (top === 0) return 'none';
  const raise = driftedShare >= 0.5 ? 2 : driftedShare >= 0.25 ? 1 : 0;
  return BY_RANK[Math.min(4, top + raise)]!;
}
