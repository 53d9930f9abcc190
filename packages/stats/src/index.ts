// @modelyard/stats — the statistics core shared by the drift and experiments services and the
// SDK. Pure functions: no I/O, no framework imports.

export { sortSample, roundHalfEven, type Sample, type SortedSample } from './sample.js';

// Drift: two-sample tests and distances
export { ks2samp, ks2sampSorted, ksStatisticSorted, ksPValue } from './ks.js';
export { ks2sampAgainstSorted } from './ks-ranked.js';
export type { KsMethod, KsOptions, KsResult } from './ks.js';
export { kstwoSf, kstwoCdf } from './kstwo.js';
export { smirnovSf } from './smirnov.js';
export { psi, psiCounts, psiSorted, quantileSorted, PSI_DEFAULT_BINS, PSI_DEFAULT_EPS } from './psi.js';
export type { PsiOptions, PsiResult } from './psi.js';
export { chiSquare, srm, type ChiSquareResult } from './chi-square.js';
export {
  jensenShannon,
  distributionsFromSamples,
  binNumeric,
  binCategorical,
  categoryCounts,
  sharedHistogram,
  JS_DEFAULT_BINS,
} from './jensen-shannon.js';
export type { BinnedDistributions } from './jensen-shannon.js';
export { wasserstein, wassersteinSorted, wassersteinNormed, wassersteinNormedSorted, WASSERSTEIN_STD_FLOOR } from './wasserstein.js';
export { driftNumeric, DRIFT_THRESHOLDS } from './drift.js';
export type { NumericDriftOptions, NumericDriftResult } from './drift.js';
export { autoTest, autoTestSorted, distinctSorted, AUTO_TEST_SMALL_REFERENCE } from './auto-test.js';
export type { AutoTestName, AutoTestResult, FeatureKind } from './auto-test.js';

// Drift over windows of any size: mergeable KLL quantile sketches and the tests computed from them
export { KllSketch, KLL_DEFAULT_K } from './kll.js';
export {
  aligned,
  compactBytes,
  compactCdf,
  compactOf,
  decodeCompact,
  emptyCompact,
  encodeCompact,
  mergeCompact,
  retainedOf,
  type CompactKll,
} from './kll-compact.js';
export {
  cdfAt,
  cdfDistances,
  ksFromCdfs,
  mergeSketches,
  psiFromCdfs,
  quantileOfCdf,
  sampleCdf,
  sketchCdf,
  wassersteinFromCdfs,
  type StepCdf,
} from './sketch-drift.js';

// Experiments
export { zTestProportions, welchTTest } from './experiment.js';
export type { ArmSummary, TestOptions, WelchResult, ZTestResult } from './experiment.js';
export { relativeLift, liftMoments, chanceToBeatControl, expectedLoss } from './lift.js';
export type { ChanceToBeatResult, LiftResult } from './lift.js';
export { sequentialInterval, sequentialPValue, sequentialRho, sequentialTest, DEFAULT_TUNING_SAMPLE_SIZE } from './sequential.js';
export type { SequentialOptions, SequentialResult } from './sequential.js';
export { sampleSize, minimumDetectableEffect, type PowerOptions } from './power.js';
export { probabilityBest, thompsonWeights, DEFAULT_EXPLORATION_FLOOR } from './bandit.js';
export type { BanditArm, ThompsonOptions } from './bandit.js';

// Distribution helpers (stdlib-js based)
export { normCdf, normSf, normPpf, normTwoSided, chi2Sf, tTwoSided, tPpf } from './distributions.js';

// Drift: data quality and model performance on labelled records
export { missingShareTest, type MissingShareResult } from './quality.js';
export {
  classesOf,
  classificationMetrics,
  logLoss,
  LOG_LOSS_EPS,
  positiveClassOf,
  regressionMetrics,
  rocAuc,
  type ClassificationMetrics,
} from './performance.js';
export { cbpe, isotonicCalibrator, type CbpeEstimate, type Calibrator } from './cbpe.js';
export { cuped, type CovariateSummary, type CupedResult } from './cuped.js';
export { planFixed, planSequential, normalPower, effectOf, alwaysValidCritical } from './planning.js';
export type { PlanInput, PlanResult } from './planning.js';
export { holm } from './multiple.js';
export { sequentialSrm, SRM_PRIOR_CONCENTRATION, type SequentialSrmResult } from './srm-sequential.js';
