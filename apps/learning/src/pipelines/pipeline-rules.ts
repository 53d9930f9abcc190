import type { FieldError } from '@modelyard/platform';
import { pipelineIssues, type UpdatePipelineBody } from '@modelyard/types';
import type { Pipeline } from './pipeline.js';

/**
 * A change must leave a consistent pipeline (e.g. strategy periodic needs a schedule, the buffer
 * must outgrow the gate's hold-out): the cross-field rules of a created pipeline are checked on
 * the pipeline as it would be after the change. Returns the problems, named as body fields.
 */
export function changeIssues(current: Pipeline, body: UpdatePipelineBody): FieldError[] {
  const after = {
    learner: current.learner,
    features: current.features,
    target: current.target,
    strategy: body.strategy ?? current.strategy,
    maxBuffer: body.maxBuffer ?? current.maxBuffer,
    schedule: body.schedule === undefined ? current.scheduleSeconds : body.schedule,
    adaptive: body.adaptive === undefined ? current.adaptive : body.adaptive,
    gate: body.gate ?? current.gate,
  };
  return pipelineIssues(after).map((i) => ({ field: i.path.join('.'), in: 'body', message: i.message }));
}
