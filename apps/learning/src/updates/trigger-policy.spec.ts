import { adaptiveWantsUpdate, followsUp, strategyTrigger, type TriggerInput } from './trigger-policy.js';

const base: TriggerInput = {
  state: 'active',
  strategy: 'incremental',
  samplesSeen: 0n,
  minSamples: 1,
  batchSize: 100,
  holdout: 10,
};

describe('strategy trigger', () => {
  it.each<[string, Partial<TriggerInput>, number, ReturnType<typeof strategyTrigger>]>([
    ['incremental: any sample past the hold-out', {}, 11, 'samples'],
    ['incremental: only the hold-out buffered', {}, 10, null],
    ['paused: never', { state: 'paused' }, 10_000, null],
    ['mini_batch: a full batch past the hold-out', { strategy: 'mini_batch' }, 110, 'samples'],
    ['mini_batch: one short of a batch', { strategy: 'mini_batch' }, 109, null],
    ['adaptive: asks for the metric check', { strategy: 'adaptive' }, 11, 'adaptive'],
    ['periodic: only its schedule', { strategy: 'periodic' }, 10_000, null],
    ['minSamples out of reach', { minSamples: 50 }, 59, null],
    ['minSamples reached with what is buffered', { minSamples: 50 }, 60, 'samples'],
    ['minSamples reached with what was learned', { minSamples: 50, samplesSeen: 49n }, 11, 'samples'],
  ])('%s', (_, change, bufferSize, expected) => {
    expect(strategyTrigger({ ...base, ...change }, bufferSize)).toBe(expected);
  });
});

describe('adaptive drop', () => {
  // Values exact in binary, so "by exactly the threshold" is exact.
  it.each<[string, 'accuracy' | 'log_loss' | 'rmse', number | undefined, number, boolean]>([
    ['accuracy fell by more than the threshold', 'accuracy', 0.75, 0.25, true],
    ['accuracy fell by exactly the threshold', 'accuracy', 0.75, 0.5, false],
    ['accuracy rose', 'accuracy', 0.5, 0.75, false],
    ['log_loss rose (worse) by more than the threshold', 'log_loss', 0.25, 0.75, true],
    ['log_loss fell (better)', 'log_loss', 0.75, 0.25, false],
    ['rmse rose (worse) by more than the threshold', 'rmse', 1, 1.5, true],
    ['rmse rose by exactly the threshold', 'rmse', 1, 1.25, false],
    ['no reference yet', 'accuracy', undefined, 0, false],
    ['undefined reference', 'accuracy', NaN, 0, false],
    ['undefined value on the batch', 'accuracy', 0.75, NaN, false],
  ])('%s', (_, metric, reference, now, expected) => {
    expect(adaptiveWantsUpdate({ metric, dropThreshold: 0.25 }, reference, now)).toBe(expected);
  });
});

describe('follow-up after a run', () => {
  it.each([
    ['registered', true],
    ['rejected', true],
    ['failed', true],
    ['skipped', false],
  ] as const)('%s → %s', (outcome, expected) => {
    expect(followsUp(outcome)).toBe(expected);
  });
});
