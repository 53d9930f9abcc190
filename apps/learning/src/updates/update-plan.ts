import type { UpdateReason } from '@modelyard/types';
import type { Pipeline } from '../pipelines/pipeline.js';

export type PlanInput = Pick<Pipeline, 'strategy' | 'onDrift' | 'batchSize' | 'minSamples' | 'maxBuffer' | 'samplesSeen'> & {
  holdout: number;
};

export interface RunPlan {
  /** Learn from a fresh learner (first run, or a drift run of a `reset` pipeline), not the checkpoint. */
  reset: boolean;
  /** Samples the starting model has learned. */
  startSeen: bigint;
  /** How many buffered samples the run reads (the gate's hold-out included). */
  readLimit: number;
}

/**
 * Where one update starts and how much it reads. Sample-driven runs of incremental and mini_batch
 * pipelines learn batchSize samples at a time, but never fewer than the model still lacks to reach
 * minSamples: the trigger fires once the buffer holds that many, and a run learning only batchSize
 * of them would skip, forever. Every other run reads the whole buffer.
 */
export function planRun(p: PlanInput, reason: UpdateReason, hasCheckpoint: boolean): RunPlan {
  const reset = !hasCheckpoint || (reason === 'drift' && p.onDrift === 'reset');
  const startSeen = reset ? 0n : p.samplesSeen;
  const groups = reason === 'samples' && (p.strategy === 'incremental' || p.strategy === 'mini_batch');
  const wanted = Math.max(p.batchSize, p.minSamples - Number(startSeen));
  return { reset, startSeen, readLimit: groups ? wanted + p.holdout : p.maxBuffer };
}

/**
 * Why a run that read `buffered` samples learns nothing, or null when it learns: the most recent
 * `holdout` samples are kept for the gate, and the model must reach `minSamples` with what is left.
 */
export function skipReason(buffered: number, holdout: number, startSeen: bigint, minSamples: number): string | null {
  const trainCount = buffered - holdout;
  if (trainCount < 1) {
    return `${buffered} samples buffered; an update needs more than the ${holdout} the gate holds out`;
  }
  if (Number(startSeen) + trainCount < minSamples) return `waiting for minSamples ${minSamples}`;
  return null;
}
