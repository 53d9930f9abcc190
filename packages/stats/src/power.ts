// Planning: per-arm sample size for a two-sided two-sample test, and its inverse.

import { normPpf } from './distributions.js';

export interface PowerOptions {
  /** Baseline: conversion rate of the control (0 < baseline < 1), or its mean when `sd` is set. */
  baseline: number;
  /** Two-sided significance level (default 0.05). */
  alpha?: number;
  /** Power 1 - β (default 0.8). */
  power?: number;
  /** Read/return the effect relative to the baseline (default true): 0.1 = +10 %. */
  relative?: boolean;
  /** Standard deviation of a continuous metric; omitted for a conversion rate. */
  sd?: number;
}

function zs(alpha: number, power: number): [number, number] {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError('alpha must be in (0, 1)');
  if (!(power > 0 && power < 1)) throw new RangeError('power must be in (0, 1)');
  return [normPpf(1 - alpha / 2), normPpf(power)];
}

/** Unrounded per-arm n to detect an absolute difference delta (> 0). */
function nFor(delta: number, o: PowerOptions, za: number, zb: number): number {
  if (o.sd !== undefined) return (2 * (za + zb) ** 2 * o.sd ** 2) / delta ** 2;
  // Two proportions, the classical normal-approximation formula without continuity correction
  // (Fleiss, Levin & Paik, Statistical Methods for Rates and Proportions, ch. 4): pooled
  // variance under H0, the two arm variances under H1.
  const p1 = o.baseline;
  const p2 = o.baseline + delta;
  const pbar = (p1 + p2) / 2;
  const h0 = za * Math.sqrt(2 * pbar * (1 - pbar));
  const h1 = zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return (h0 + h1) ** 2 / delta ** 2;
}

function checkBaseline(o: PowerOptions): void {
  if (o.sd === undefined && !(o.baseline > 0 && o.baseline < 1)) {
    throw new RangeError('baseline must be a rate in (0, 1) unless sd is given');
  }
  if (o.sd !== undefined && !(o.sd > 0)) throw new RangeError('sd must be positive');
}

/** Per-arm sample size (rounded up) to detect `mde` with the given power. */
export function sampleSize(options: PowerOptions & { mde: number }): number {
  checkBaseline(options);
  const [za, zb] = zs(options.alpha ?? 0.05, options.power ?? 0.8);
  const delta = Math.abs((options.relative ?? true) ? options.mde * options.baseline : options.mde);
  if (!(delta > 0)) throw new RangeError('mde must be non-zero');
  if (options.sd === undefined && options.baseline + delta >= 1) {
    throw new RangeError('baseline + mde must stay below 1');
  }
  return Math.ceil(nFor(delta, options, za, zb));
}

/**
 * Smallest effect (positive direction) detectable with `n` units per arm: the inverse of
 * sampleSize without the rounding. Closed form for a continuous metric; for a rate, bisection
 * on the difference (n is monotone in it), to 1e-12 of the baseline.
 */
export function minimumDetectableEffect(options: PowerOptions & { n: number }): number {
  checkBaseline(options);
  if (!(options.n > 0)) throw new RangeError('n must be positive');
  const [za, zb] = zs(options.alpha ?? 0.05, options.power ?? 0.8);
  const relative = options.relative ?? true;
  let delta: number;
  if (options.sd !== undefined) {
    delta = (za + zb) * options.sd * Math.sqrt(2 / options.n);
  } else {
    let lo = 0;
    let hi = 1 - options.baseline;
    if (nFor(hi * (1 - 1e-12), options, za, zb) > options.n) return NaN; // not detectable below 1
    while (hi - lo > 1e-12 * options.baseline) {
      const mid = (lo + hi) / 2;
      if (nFor(mid, options, za, zb) > options.n) lo = mid;
      else hi = mid;
    }
    delta = hi;
  }
  return relative ? delta / options.baseline : delta;
}
