import { thompsonWeights } from '@modelyard/stats';
import { BANDIT_GRID_POINTS, expectedShares, nextWeights, periodUnits } from './weight-periods.js';

const settings = { floor: 0.01, burnInUnits: 300 };
const binomial = { kind: 'binomial' as const, direction: 'higher' as const };
const summary = (n: number, sum: number, sumSquares = sum) => ({ n, sum, sumSquares });

describe('nextWeights', () => {
  it('keeps equal weights during the burn-in', () => {
    expect(nextWeights(settings, binomial, [summary(100, 5), summary(99, 30)], [1, 1])).toBeNull();
  });

  it('after the burn-in, follows Thompson sampling on the successes', () => {
    const w = nextWeights(settings, binomial, [summary(200, 10), summary(200, 60)], [1, 1]);
    const expected = thompsonWeights(
      [
        { kind: 'binomial', trials: 200, successes: 10 },
        { kind: 'binomial', trials: 200, successes: 60 },
      ],
      { floor: 0.01, gridPoints: BANDIT_GRID_POINTS },
    );
    expect(w).toEqual(expected);
    expect(w![1]).toBeGreaterThan(0.98);
    expect(w![0]).toBeCloseTo(0.01, 4);
  });

  it('for a rate where lower is better, counts the units that did not convert as successes', () => {
    const w = nextWeights(settings, { kind: 'binomial', direction: 'lower' }, [summary(200, 10), summary(200, 60)], [1, 1]);
    expect(w![0]).toBeGreaterThan(0.98);
  });

  it('for a continuous metric, reads mean and variance from the sums (negated when lower is better)', () => {
    // Arm a: mean 1, arm b: mean 2, both variance ≈ 1 over 400 units: b is the best by far.
    const a = summary(400, 400, 400 * (1 + 1));
    const b = summary(400, 800, 400 * (4 + 1));
    const higher = nextWeights(settings, { kind: 'continuous', direction: 'higher' }, [a, b], [1, 1]);
    const lower = nextWeights(settings, { kind: 'continuous', direction: 'lower' }, [a, b], [1, 1]);
    expect(higher![1]).toBeCloseTo(0.99, 6);
    expect(lower![0]).toBeCloseTo(0.99, 6);
  });

  it('starts no new period when no weight moved by more than half a point', () => {
    const now = thompsonWeights(
      [
        { kind: 'binomial', trials: 200, successes: 10 },
        { kind: 'binomial', trials: 200, successes: 60 },
      ],
      { floor: 0.01, gridPoints: BANDIT_GRID_POINTS },
    );
    expect(nextWeights(settings, binomial, [summary(200, 10), summary(200, 60)], now)).toBeNull();
  });
});

describe('expected shares for the SRM check', () => {
  const periods = [
    { from: '2026-01-01T00:00:00.000Z', weights: [0.2, 0.3, 0.5], unitsAtStart: [100, 100, 100] },
    { from: '2026-01-01T01:00:00.000Z', weights: [0.1, 0.1, 0.8], unitsAtStart: [300, 400, 500] },
  ];
  const now = [310, 410, 580];

  it('splits the units by period', () => {
    expect(periodUnits(periods, now)).toEqual([
      [200, 300, 400],
      [10, 10, 80],
    ]);
  });

  it('weighs each period by the weights in force: burn-in 100 each, then 900 and 100 units', () => {
    // Expected counts: 100 + 0.2·900 + 0.1·100 = 290, 100 + 0.3·900 + 0.1·100 = 380, 100 + 0.5·900 + 0.8·100 = 630.
    const shares = expectedShares([1, 1, 1], periods, now);
    [290, 380, 630].forEach((c, i) => expect(shares[i]).toBeCloseTo(c / 1300, 12));
  });

  it('are the initial weights before the first period', () => {
    expect(expectedShares([1, 3], [], [10, 30])).toEqual([0.25, 0.75]);
  });
});
