import { bestTrial, defaultMinSamples, isFinished, promotions, rungSizes, type RungState } from './asha.js';

const trial = (index: number, rungMetrics: (number | null)[], rungTarget = rungMetrics.length, failed = false): RungState => ({
  index,
  rungsDone: rungMetrics.length,
  rungTarget,
  rungMetrics,
  failed,
});

describe('rung sizes', () => {
  it.each([
    // total, r0, η → r_k (Li et al. 2020: r_k = r_0 η^k, capped by the maximum resource)
    [2700, 100, 3, [100, 300, 900, 2700]],
    [3000, 100, 3, [100, 300, 900, 2700, 3000]],
    [1000, 100, 2, [100, 200, 400, 800, 1000]],
    [50, 100, 3, [50]],
  ])('total %i from %i by η=%i', (total, r0, eta, sizes) => {
    expect(rungSizes(total, r0, eta)).toEqual(sizes);
  });
  it('defaults r0 so the trials halve down to about one: 27 trials, η=3 → 4 rungs', () => {
    expect(defaultMinSamples(2700, 27, 3)).toBe(100);
    expect(rungSizes(2700, defaultMinSamples(2700, 27, 3), 3)).toHaveLength(4);
    expect(defaultMinSamples(50, 27, 3)).toBe(10);
  });
});

describe('promotions (ASHA)', () => {
  it('promotes the best ⌊n/η⌋ of those that finished a rung, and only once', () => {
    const trials = [trial(0, [0.7]), trial(1, [0.9]), trial(2, [0.8])];
    expect(promotions(trials, 3, 3, 'higher')).toEqual([1]);
    const after = [trial(0, [0.7]), trial(1, [0.9], 2), trial(2, [0.8])];
    expect(promotions(after, 3, 3, 'higher')).toEqual([]);
  });
  it('ranks by direction: the lowest log loss goes on', () => {
    expect(promotions([trial(0, [0.3]), trial(1, [0.6]), trial(2, [0.5])], 3, 3, 'lower')).toEqual([0]);
  });
  it('decides on what has finished: two of three finished with η=2 promote one', () => {
    const trials = [trial(0, [0.6]), trial(1, [0.8]), trial(2, [], 1)];
    expect(promotions(trials, 2, 2, 'higher')).toEqual([1]);
  });
  it('promotes from higher rungs too, and never past the last rung', () => {
    const trials = [trial(0, [0.9, 0.95]), trial(1, [0.8, 0.85]), trial(2, [0.7]), trial(3, [0.6])];
    expect(promotions(trials, 3, 2, 'higher')).toEqual([0]);
    expect(promotions([trial(0, [0.9, 0.95, 0.97]), trial(1, [0.8, 0.85, 0.86])], 3, 2, 'higher')).toEqual([]);
  });
  it('ranks an undefined metric last and leaves failed trials out', () => {
    expect(promotions([trial(0, [null]), trial(1, [0.1]), trial(2, [0.2], 1, true)], 2, 2, 'higher')).toEqual([1]);
  });
  it('breaks ties by index', () => {
    expect(promotions([trial(0, [0.5]), trial(1, [0.5])], 2, 2, 'higher')).toEqual([0]);
  });
});

describe('best trial and completion', () => {
  it('is the best on the highest finished rung, even if a lower rung had a better value', () => {
    const trials = [trial(0, [0.99]), trial(1, [0.9, 0.91]), trial(2, [0.8, 0.93])];
    expect(bestTrial(trials, 'higher')).toBe(2);
    expect(bestTrial([trial(0, [], 1)], 'higher')).toBeNull();
  });
  it('is finished when nothing runs and nothing can be promoted', () => {
    const done = [trial(0, [0.9, 0.95]), trial(1, [0.8]), trial(2, [0.7])];
    expect(isFinished(done, 2, 3, 'higher')).toBe(true);
    expect(isFinished([trial(0, [0.9], 2), trial(1, [0.8])], 2, 2, 'higher')).toBe(false);
    expect(isFinished([trial(0, [0.9]), trial(1, [0.8])], 2, 2, 'higher')).toBe(false);
  });
});
