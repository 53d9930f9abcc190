import type { UpdateOutcome } from '@modelyard/types';
import type { Adaptive, Pipeline } from '../pipelines/pipeline.js';

/** Metrics where a smaller value is the better model. */
const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['log_loss', 'mae', 'rmse']);

export type TriggerInput = Pick<Pipeline, 'state' | 'strategy' | 'samplesSeen' | 'minSamples' | 'batchSize'> & {
  holdout: number;
};

/**
 * What a pipeline's strategy asks for once its buffer holds `bufferSize` samples:
 *  - nothing while paused, or while the buffer holds no more than the gate's hold-out, or while the
 *    model could not reach `minSamples` by learning what is buffered;
 *  - `samples`: an update now (incremental: at every batch; mini_batch: once `batchSize` samples
 *    can be learned);
 *  - `adaptive`: an update if the current model's metric dropped (adaptiveWantsUpdate);
 *  - periodic pipelines update on their schedule only.
 */
export function strategyTrigger(p: TriggerInput, bufferSize: number): 'samples' | 'adaptive' | null {
  if (p.state !== 'active') return null;
  const trainable = bufferSize - p.holdout;
  if (trainable < 1 || Number(p.samplesSeen) + trainable < p.minSamples) return null;
  switch (p.strategy) {
    case 'incremental':
      return 'samples';
    case 'mini_batch':
      return trainable >= p.batchSize ? 'samples' : null;
    case 'adaptive':
      return 'adaptive';
    case 'periodic':
      return null;
  }
}

/**
 * Adaptive strategy, once a model exists: an update runs when the model's metric on the new batch
 * (`now`) is worse than its progressive value over the last samples (`reference`) by more than
 * `dropThreshold`, in the metric's direction. An undefined value on either side decides nothing.
 */
export function adaptiveWantsUpdate(spec: Adaptive, reference: number | undefined, now: number): boolean {
  if (reference === undefined || !Number.isFinite(reference) || !Number.isFinite(now)) return false;
  const drop = LOWER_IS_BETTER.has(spec.metric) ? now - reference : reference - now;
  return drop > spec.dropThreshold;
}

/**
 * After a run, samples that arrived meanwhile may call for the next one. Not after a skip: nothing
 * was consumed, so the same buffer would call for the same skip again (a busy loop); the next
 * samples, a resume or a manual trigger start the next run instead.
 */
export function followsUp(outcome: UpdateOutcome): boolean {
  return outcome !== 'skipped';
}
