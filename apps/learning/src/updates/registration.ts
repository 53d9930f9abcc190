import { LabelledHoeffdingTree, LinearModel, OnnxExportError, SoftmaxRegression, toOnnx } from '@modelyard/learners';
import type { CreateVersionBody, GateResult, Stage } from '@modelyard/types';
import type { Pipeline } from '../pipelines/pipeline.js';
import { isMulticlassModel, type PipelineModel } from './learner.js';

/** Where a stage is on the way to production; stages off that way (failed, archived) rank last. */
const STAGE_ORDER: readonly string[] = ['draft', 'testing', 'staging', 'production'];
function stageRank(stage: string): number {
  const rank = STAGE_ORDER.indexOf(stage);
  return rank < 0 ? STAGE_ORDER.length : rank;
}

/**
 * Whether a registered version still has to be moved to the pipeline's target stage. draft →
 * testing, draft → staging and testing → staging are allowed moves in the registry's lifecycle; a
 * version already at or past the target (or moved aside by someone) stays where it is.
 */
export function needsMove(current: string, target: Stage): boolean {
  return stageRank(current) < stageRank(target);
}

export interface Candidate {
  pipeline: Pipeline;
  seq: number;
  reason: string;
  model: PipelineModel;
  /** Progressive metrics over this update's samples, and the gate's verdict. */
  metrics: Record<string, number>;
  gate: GateResult;
  samples: number;
  samplesSeen: bigint;
  fromSample: number;
  parentVersion: string | null;
  driftReportId?: string;
}

/** The model's resolved options as flat params (a softmax model's optimizer settings, a multiclass model's classes too). */
function modelParams(model: PipelineModel) {
  if (model instanceof LabelledHoeffdingTree) return { ...model.options, classes: model.classes };
  if (!(model instanceof SoftmaxRegression)) return { ...model.options };
  const { optimizerOptions, ...options } = model.options;
  return { ...options, ...optimizerOptions, classes: model.classes };
}

/** The registry version of a candidate: metrics, params and lineage (finite metrics only). */
export function versionBody(c: Candidate): CreateVersionBody {
  const p = c.pipeline;
  const finite = Object.fromEntries(Object.entries(c.metrics).filter(([, v]) => Number.isFinite(v)));
  const toSample = c.fromSample + c.samples;
  return {
    description: `Learned by pipeline ${p.name}, update ${c.seq} (${c.reason})`,
    tags: ['learning-pipeline'],
    metrics: {
      ...finite,
      ...(c.gate.candidate !== null ? { [`holdout_${c.gate.metric}`]: c.gate.candidate } : {}),
      samples: c.samples,
      samples_seen: Number(c.samplesSeen),
    },
    params: { learner: p.learner.type, ...('hyperparameters' in p.learner ? p.learner.hyperparameters : {}), ...modelParams(c.model) },
    trainingInfo: {
      pipeline: p.name,
      pipelineId: p.id,
      update: c.seq,
      reason: c.reason,
      samples: c.samples,
      samplesSeen: Number(c.samplesSeen),
      fromSample: c.fromSample,
      toSample,
      holdout: c.gate.holdout,
      ...(c.driftReportId ? { driftReportId: c.driftReportId } : {}),
    },
    inputSchema: { features: p.features },
    outputSchema: {
      target: p.target,
      type: p.learner.type,
      // A multiclass model's probability columns, in order (a softmax model's can grow from one version to the next).
      ...(isMulticlassModel(c.model) ? { classes: c.model.classes } : {}),
    },
    lineage: {
      ...(c.parentVersion ? { parentVersion: c.parentVersion } : {}),
      pipelineId: p.id,
      dataset: `learning:${p.id}/samples/${c.fromSample}-${toSample}`,
    },
  };
}

/**
 * The candidate as ONNX (packages/learners' exporter, one float column per declared feature, in the
 * pipeline's order), registered beside model.json so the serving service and any ONNX runtime can
 * serve it. Null when a feature is categorical, or for a learner without an ONNX exporter (the
 * Hoeffding tree): such a model is served from its model.json.
 */
export function onnxArtifact(c: Candidate): Buffer | null {
  if (!(c.model instanceof LinearModel) && !(c.model instanceof SoftmaxRegression)) return null;
  try {
    return Buffer.from(toOnnx(c.model, { input: { kind: 'records', features: c.pipeline.features } }));
  } catch (err) {
    if (err instanceof OnnxExportError) return null;
    throw err;
  }
}
