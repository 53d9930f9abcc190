import type { UpdateReason } from '@modelyard/types';
import { planRun, skipReason, type PlanInput, type RunPlan } from './update-plan.js';

const base: PlanInput = {
  strategy: 'mini_batch',
  onDrift: 'warm_start',
  batchSize: 100,
  minSamples: 1,
  maxBuffer: 5000,
  samplesSeen: 300n,
  holdout: 20,
};

const plan = (reset: boolean, startSeen: bigint, readLimit: number): RunPlan => ({ reset, startSeen, readLimit });

describe('run plan', () => {
  it.each<[string, Partial<PlanInput>, UpdateReason, boolean, RunPlan]>([
    ['samples run of mini_batch: one batch and the hold-out', {}, 'samples', true, plan(false, 300n, 120)],
    ['samples run of incremental: the same', { strategy: 'incremental' }, 'samples', true, plan(false, 300n, 120)],
    ['first run: fresh learner', {}, 'samples', false, plan(true, 0n, 120)],
    ['first run short of minSamples: reads what it lacks', { minSamples: 450 }, 'samples', false, plan(true, 0n, 470)],
    ['warm run short of minSamples: reads what it lacks', { minSamples: 450 }, 'samples', true, plan(false, 300n, 170)],
    ['samples run of adaptive: the whole buffer', { strategy: 'adaptive' }, 'samples', true, plan(false, 300n, 5000)],
    ['manual run: the whole buffer', {}, 'manual', true, plan(false, 300n, 5000)],
    ['scheduled run: the whole buffer', { strategy: 'periodic' }, 'schedule', true, plan(false, 300n, 5000)],
    ['drift run, warm_start: continues', {}, 'drift', true, plan(false, 300n, 5000)],
    ['drift run, reset: fresh learner', { onDrift: 'reset' }, 'drift', true, plan(true, 0n, 5000)],
    ['manual run of a reset pipeline: continues', { onDrift: 'reset' }, 'manual', true, plan(false, 300n, 5000)],
  ])('%s', (_, change, reason, hasCheckpoint, expected) => {
    expect(planRun({ ...base, ...change }, reason, hasCheckpoint)).toEqual(expected);
  });
});

const TOO_FEW = 'samples buffered; an update needs more than the 20 the gate holds out';

describe('skip reason', () => {
  it.each<[string, number, bigint, number, string | null]>([
    ['nothing past the hold-out', 20, 0n, 1, `20 ${TOO_FEW}`],
    ['empty buffer', 0, 0n, 1, `0 ${TOO_FEW}`],
    ['one sample to learn', 21, 0n, 1, null],
    ['short of minSamples', 119, 0n, 100, 'waiting for minSamples 100'],
    ['reaches minSamples', 120, 0n, 100, null],
    ['reaches minSamples with what was learned', 21, 99n, 100, null],
  ])('%s', (_, buffered, startSeen, minSamples, expected) => {
    expect(skipReason(buffered, 20, startSeen, minSamples)).toBe(expected);
  });
});
