import type { ShadowLatency } from '@modelyard/types';

/** What one side (primary or shadow) answered for a call. */
export interface Scored {
  predictions: readonly unknown[];
  probabilities?: readonly (readonly number[])[];
}

export interface Comparison {
  instances: number;
  agreed: number;
  /** Instances whose scores could be compared (same number of probabilities, or numeric values). */
  diffCount: number;
  diffSum: number;
}

const asNumbers = (v: unknown): number[] | null => {
  const list: unknown[] = Array.isArray(v) ? v : [v];
  return list.every((x) => typeof x === 'number') ? (list as number[]) : null;
};

const meanAbsDiff = (a: readonly number[], b: readonly number[]): number | null => {
  if (a.length !== b.length || a.length === 0) return null;
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += Math.abs(a[k]! - b[k]!);
  return sum / a.length;
};

/** Predictions agree when equal; numbers (regression values) when within `tolerance` of each other. */
export function agree(a: unknown, b: unknown, tolerance: number): boolean {
  const x = asNumbers(a);
  const y = asNumbers(b);
  if (x && y) return x.length === y.length && x.every((v, k) => Math.abs(v - y[k]!) <= tolerance);
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Instance by instance: agreement of the predictions, and the mean absolute difference of the
 * scores — the class probabilities when both sides have them, else the predicted values when both
 * are numeric. Labels of classifiers without probabilities are not scores: no difference for them.
 */
export function compare(primary: Scored, shadow: Scored, tolerance: number): Comparison {
  const n = Math.min(primary.predictions.length, shadow.predictions.length);
  const out: Comparison = { instances: n, agreed: 0, diffCount: 0, diffSum: 0 };
  const byProbabilities = primary.probabilities !== undefined && shadow.probabilities !== undefined;
  const classifier = primary.probabilities !== undefined || shadow.probabilities !== undefined;
  for (let i = 0; i < n; i++) {
    if (agree(primary.predictions[i], shadow.predictions[i], tolerance)) out.agreed++;
    let diff: number | null = null;
    if (byProbabilities) diff = meanAbsDiff(primary.probabilities![i]!, shadow.probabilities![i]!);
    else if (!classifier) {
      const x = asNumbers(primary.predictions[i]);
      const y = asNumbers(shadow.predictions[i]);
      diff = x && y ? meanAbsDiff(x, y) : null;
    }
    if (diff !== null) {
      out.diffCount++;
      out.diffSum += diff;
    }
  }
  return out;
}

// Latency histogram: bucket i holds times in (FLOOR_MS·RATIO^(i-1), FLOOR_MS·RATIO^i].
const FLOOR_MS = 0.01;
const RATIO = 1.1;
const LAST_BUCKET = 200; // 0.01 ms · 1.1^200 ≈ 1.9 million ms: past any inference

export function latencyBucket(ms: number): number {
  if (!(ms > FLOOR_MS)) return 0;
  return Math.min(LAST_BUCKET, Math.ceil(Math.log(ms / FLOOR_MS) / Math.log(RATIO)));
}

const bucketUpperMs = (i: number) => Number((FLOOR_MS * RATIO ** i).toPrecision(3));

/** Mean, and p50/p99 as the upper bound of the bucket holding that rank. */
export function latencySummary(count: number, sumMs: number, buckets: ReadonlyMap<number, number>): ShadowLatency {
  if (count <= 0) return { count: 0, meanMs: null, p50Ms: null, p99Ms: null };
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const quantile = (q: number) => {
    const rank = Math.ceil(q * count);
    let seen = 0;
    for (const [i, c] of sorted) {
      seen += c;
      if (seen >= rank) return bucketUpperMs(i);
    }
    return bucketUpperMs(sorted.at(-1)?.[0] ?? 0);
  };
  return { count, meanMs: Number((sumMs / count).toPrecision(4)), p50Ms: quantile(0.5), p99Ms: quantile(0.99) };
}
