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
