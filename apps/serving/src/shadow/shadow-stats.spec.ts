import { agree, compare, latencyBucket, latencySummary } from './shadow-stats.js';

describe('shadow comparison', () => {
  it('agrees on equal labels, and on numbers within the tolerance', () => {
    expect(agree(1, 1, 0)).toBe(true);
    expect(agree(1, 2, 0.5)).toBe(false);
    expect(agree('cat', 'cat', 0)).toBe(true);
    expect(agree('cat', 'dog', 0)).toBe(false);
    expect(agree(1.0, 1.0005, 1e-3)).toBe(true);
    expect(agree(1.0, 1.002, 1e-3)).toBe(false);
    expect(agree([1, 2], [1, 2.0001], 1e-3)).toBe(true);
    expect(agree([1, 2], [1], 1)).toBe(false);
  });

  it('differences probabilities when both sides have them, values for regressions, nothing for bare labels', () => {
    const classifiers = compare(
      {
        predictions: [1, 0],
        probabilities: [
          [0.2, 0.8],
          [0.9, 0.1],
        ],
      },
      {
        predictions: [1, 1],
        probabilities: [
          [0.4, 0.6],
          [0.3, 0.7],
        ],
      },
      1e-6,
    );
    // Instance 0: (0.2 + 0.2) / 2; instance 1: (0.6 + 0.6) / 2.
    expect(classifiers).toMatchObject({ instances: 2, agreed: 1, diffCount: 2 });
    expect(classifiers.diffSum).toBeCloseTo(0.8, 12);
    const regression = compare({ predictions: [1.5, 3] }, { predictions: [1.5000001, 2] }, 1e-6);
    expect(regression).toMatchObject({ instances: 2, agreed: 1, diffCount: 2 });
    expect(regression.diffSum).toBeCloseTo(1.0000001, 12);
    const labelsOnly = compare(
      {
        predictions: [0, 1],
        probabilities: [
          [1, 0],
          [0, 1],
        ],
      },
      { predictions: [0, 0] },
      1e-6,
    );
    expect(labelsOnly).toEqual({ instances: 2, agreed: 1, diffCount: 0, diffSum: 0 });
  });

  it('summarises latencies by 10% buckets: p50 and p99 are bucket upper bounds at or above the true values', () => {
    const times = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100 ms
    const buckets = new Map<number, number>();
    for (const t of times) buckets.set(latencyBucket(t), (buckets.get(latencyBucket(t)) ?? 0) + 1);
    const s = latencySummary(
      100,
      times.reduce((a, b) => a + b, 0),
      buckets,
    );
    expect(s.meanMs).toBe(50.5);
    expect(s.p50Ms).toBeGreaterThanOrEqual(50);
    expect(s.p50Ms).toBeLessThanOrEqual(55);
    expect(s.p99Ms).toBeGreaterThanOrEqual(99);
    expect(s.p99Ms).toBeLessThanOrEqual(99 * 1.1);
    expect(latencySummary(0, 0, new Map())).toEqual({ count: 0, meanMs: null, p50Ms: null, p99Ms: null });
  });
});
