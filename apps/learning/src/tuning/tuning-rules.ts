import type { FieldError } from '@modelyard/platform';
import { isClassifier, type LearningMetric, type TuneBody } from '@modelyard/types';
import type { Pipeline } from '../pipelines/pipeline.js';

/** Fewer buffered samples than this give rungs too small to rank configurations by. */
export const MIN_TUNE_SAMPLES = 100;

const CLASSIFICATION: readonly LearningMetric[] = ['accuracy', 'log_loss', 'roc_auc'];

/** Why this pipeline's learner cannot be tuned here (a 409), or null. */
export function learnerConflict(p: Pick<Pipeline, 'name' | 'learner'>): string | null {
  if (p.learner.type === 'external') {
    return `pipeline '${p.name}' has an external learner: its hyperparameters are its trainer's, not searched here`;
  }
  if (p.learner.type !== 'logistic_regression' && p.learner.type !== 'linear_regression') {
    return `pipeline '${p.name}' has a ${p.learner.type} learner: tuning searches the linear learners' hyperparameters`;
  }
  return null;
}

/** Why these buffered samples are too few to tune on (a 409), or null. */
export function samplesConflict(p: Pick<Pipeline, 'name'>, buffered: number): string | null {
  return buffered < MIN_TUNE_SAMPLES
    ? `pipeline '${p.name}' has ${buffered} buffered samples; a tuning needs at least ${MIN_TUNE_SAMPLES}`
    : null;
}

/** Problems of a request that only show against the pipeline (400, naming the field). */
export function tuneIssues(p: Pick<Pipeline, 'learner'>, body: TuneBody, samples: number): FieldError[] {
  const issues: FieldError[] = [];
  if (CLASSIFICATION.includes(body.metric) !== isClassifier(p.learner)) {
    const expected = isClassifier(p.learner)
      ? 'a classifier is tuned on accuracy, log_loss or roc_auc'
      : 'a regression is tuned on mae or rmse';
    issues.push({ field: 'metric', in: 'body', message: expected });
  }
  if (body.budget.minSamples !== undefined && body.budget.minSamples >= samples)
    issues.push({ field: 'budget.minSamples', in: 'body', message: `must be below the ${samples} samples the tuning learns from` });
  return issues;
}
