import type { LearningTrial, LearningTuning } from '@modelyard/db';
import { parseColumn } from '@modelyard/platform';
import { SampleRow, TrialParams, TuneBody, type TrialEntry, type TuningResponse } from '@modelyard/types';
import { z } from 'zod';
import { NumericLearnerState, NumericProgressJson } from '../updates/learner.js';
import type { Trial, TrialCheckpoint, Tuning } from './tuning.js';

const RungMetrics = z.array(z.number().nullable());
const Samples = z.array(SampleRow);

export function toTuning(row: Omit<LearningTuning, 'samples'>): Tuning {
  return { ...row, request: parseColumn(TuneBody, row.request, 'learning_tunings.request', row.id) };
}

export function toSamples(row: Pick<LearningTuning, 'id' | 'samples'>): SampleRow[] {
  return parseColumn(Samples, row.samples, 'learning_tunings.samples', row.id);
}

export function toTrial(row: Omit<LearningTrial, 'model' | 'progressive'>): Trial {
  return {
    id: row.id,
    tuningId: row.tuningId,
    index: row.index,
    params: parseColumn(TrialParams, row.params, 'learning_trials.params', row.id),
    status: row.status,
    rungsDone: row.rungsDone,
    rungTarget: row.rungTarget,
    rungMetrics: parseColumn(RungMetrics, row.rungMetrics, 'learning_trials.rungMetrics', row.id),
    sampleUpdates: row.sampleUpdates,
    detail: row.detail,
  };
}

export function toTrialCheckpoint(row: Pick<LearningTrial, 'id' | 'model' | 'progressive'>): TrialCheckpoint | null {
  if (row.model === null || row.progressive === null) return null;
  return {
    model: parseColumn(NumericLearnerState, row.model, 'learning_trials.model', row.id),
    progressive: parseColumn(NumericProgressJson, row.progressive, 'learning_trials.progressive', row.id),
  };
}

function toTrialEntry(t: Trial): TrialEntry {
  return {
    index: t.index,
    params: t.params,
    status: t.status,
    rungMetrics: t.rungMetrics,
    sampleUpdates: t.sampleUpdates,
    detail: t.detail,
  };
}

/** The tuning with its trials (by index); `pipeline` is the pipeline's name. */
export function toTuningResponse(t: Tuning, trials: readonly Trial[], pipeline: string): TuningResponse {
  const best = trials.find((x) => x.id === t.bestTrialId);
  const { budget } = t.request;
  return {
    id: t.id,
    pipeline,
    status: t.status,
    metric: t.request.metric,
    direction: t.request.direction,
    sampler: t.request.sampler,
    space: t.request.space,
    budget: { trials: budget.trials, eta: budget.eta, minSamples: t.rungs[0]!, maxSamples: budget.maxSamples },
    rungs: t.rungs,
    samples: t.rungs.at(-1)!,
    progress: {
      trialsFinished: trials.filter((x) => x.status === 'waiting' || x.status === 'completed' || x.status === 'failed').length,
      trials: trials.length,
      sampleUpdates: trials.reduce((sum, x) => sum + x.sampleUpdates, 0),
    },
    best: best ? { index: best.index, params: best.params, metric: best.rungMetrics.at(-1) ?? null } : null,
    trials: [...trials].sort((a, b) => a.index - b.index).map(toTrialEntry),
    appliedBy: t.appliedBy,
    appliedAt: t.appliedAt?.toISOString() ?? null,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    finishedAt: t.finishedAt?.toISOString() ?? null,
  };
}
