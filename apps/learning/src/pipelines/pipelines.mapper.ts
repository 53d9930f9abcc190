import type { LearningPipeline } from '@modelyard/db';
import { AdaptiveSpec, Gate, LearnerSpec, PipelineFeature, RegisterSpec, type PipelineResponse } from '@modelyard/types';
import { z } from 'zod';
import { parseColumn } from '@modelyard/platform';
import type { Pipeline } from './pipeline.js';

const Features = z.array(PipelineFeature);

/** The row as the domain type, its JSON columns parsed here and nowhere else. */
export function toPipeline(row: LearningPipeline): Pipeline {
  return {
    ...row,
    learner: parseColumn(LearnerSpec, row.learner, 'learning_pipelines.learner', row.id),
    features: parseColumn(Features, row.features, 'learning_pipelines.features', row.id),
    adaptive: parseColumn(AdaptiveSpec.nullable(), row.adaptive, 'learning_pipelines.adaptive', row.id),
    gate: parseColumn(Gate, row.gate, 'learning_pipelines.gate', row.id),
    // RegisterSpec's defaults read pipelines stored before `autoPromote` existed as off.
    register: parseColumn(RegisterSpec, row.register, 'learning_pipelines.register', row.id),
  };
}

export function toPipelineResponse(p: Pipeline): PipelineResponse {
  return {
    id: p.id,
    name: p.name,
    model: p.model,
    description: p.description,
    state: p.state,
    learner: p.learner,
    features: p.features,
    target: p.target,
    strategy: p.strategy,
    batchSize: p.batchSize,
    minSamples: p.minSamples,
    maxBuffer: p.maxBuffer,
    schedule: p.scheduleSeconds === null ? null : { everySeconds: p.scheduleSeconds },
    adaptive: p.adaptive,
    gate: p.gate,
    register: p.register,
    autoPromoteEnabledBy: p.autoPromoteEnabledBy,
    onDrift: p.onDrift,
    currentVersion: p.currentVersion,
    createdBy: p.createdBy,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
