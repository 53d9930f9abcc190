// Shapes of the generated reference fixtures (see generate.py).
import type { Data } from '../prng.js';

export interface KsCase {
  note: string;
  a: Data;
  b: Data;
  method: 'auto' | 'exact' | 'asymp';
  call: string;
  statistic: number;
  pValue: number;
  /** The method scipy actually used (auto resolved, fallbacks seen as scipy's warnings). */
  used: 'exact' | 'asymp';
}

export interface KstwoCase {
  n: number;
  d: number;
  call: string;
  sf: number;
  cdf: number;
}

interface Described {
  note: string;
  call: string;
}
interface Arm {
  n: number;
  mean: number;
  variance: number;
}

export interface WassersteinCase extends Described {
  a: Data;
  b: Data;
  value: number;
  normed: number;
}
export interface PsiCase extends Described {
  a: Data;
  b: Data;
  bins: number;
  value: number;
  interior: number[];
  refShare: number[];
  curShare: number[];
}
export interface Chi2Case extends Described {
  ref: number[];
  cur: number[];
  statistic: number;
  pValue: number;
  dof: number;
}
export interface SrmCase extends Described {
  observed: number[];
  weights: number[];
  statistic: number;
  pValue: number;
}
export interface JsCase extends Described {
  p: number[];
  q: number[];
  value: number;
}
export interface JsSampleCase extends Described {
  a: Data;
  b: Data;
  edges: number[];
  p: number[];
  q: number[];
  value: number;
}
export interface AutoCase extends Described {
  a: Data;
  b: Data;
  kind: 'numeric' | 'categorical';
  test: string;
  statistic: number;
  pValue: number | undefined;
  drift: boolean;
}
export interface WelchCase extends Described {
  a: Arm;
  b: Arm;
  t: number;
  df: number;
  pValue: number;
  ciLow: number;
  ciHigh: number;
}
export interface ZPropCase extends Described {
  x1: number;
  n1: number;
  x2: number;
  n2: number;
  z: number;
  pValue: number;
  ciLow: number;
  ciHigh: number;
}
export interface LiftCase extends Described {
  control: Arm;
  treatment: Arm;
  lift: number;
  se: number;
  ciLow: number;
  ciHigh: number;
  pValue: number;
  chanceToBeat: number;
  riskTreatment: number;
  riskControl: number;
}
export interface SeqCase extends Described {
  estimate: number;
  se: number;
  n: number;
  alpha: number;
  tuningSampleSize: number;
  rho: number;
  halfWidth: number;
  pValue: number;
}
export interface PowerCase extends Described {
  baseline: number;
  mde: number;
  alpha: number;
  power: number;
  n: number;
  sd: number | undefined;
}
export interface MdeCase extends Described {
  baseline: number;
  n: number;
  alpha: number;
  power: number;
  sd: number | undefined;
  mde: number;
}
export interface DistCase {
  fn: 'chi2Sf' | 'tTwoSided' | 'normSf';
  x: number;
  k: number | undefined;
  call: string;
  value: number;
}

export interface MissingCase extends Described {
  currentMissing: number;
  currentN: number;
  referenceMissing: number;
  referenceN: number;
  z: number;
  pValue: number;
}
export interface ClassificationCase extends Described {
  labels: string[];
  predictions: string[];
  positive: string | null;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}
export interface ProbabilityCase extends Described {
  truth: number[];
  score: number[];
  rocAuc: number;
  logLoss: number;
}
export interface RegressionCase extends Described {
  labels: number[];
  predictions: number[];
  mae: number;
  rmse: number;
}
export interface IsotonicCase extends Described {
  score: number[];
  truth: number[];
  query: number[];
  predicted: number[];
}
export interface CbpeCase extends Described {
  predictedPositive: number[];
  p: number[];
  score: number[];
  accuracy: number;
  low: number;
  high: number;
  precision: number;
  recall: number;
  f1: number;
  rocAuc: number;
}
