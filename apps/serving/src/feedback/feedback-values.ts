import type { DriftRecordInput, SampleInput } from '@modelyard/sdk';
import { ClassLabel, fixedClasses, isClassifier, isMulticlass, type MonitorResponse, type PipelineResponse } from '@modelyard/types';

/** A prediction's features by name: an instance record as sent, or an array named by the input schema. */
export type NamedFeatures = Map<string, unknown>;

export function namedFeatures(instance: unknown, featureNames: readonly string[] | undefined): NamedFeatures | null {
  if (Array.isArray(instance)) {
    if (!featureNames || featureNames.length !== instance.length) return null;
    return new Map(featureNames.map((name, j) => [name, instance[j]]));
  }
  if (instance && typeof instance === 'object') return new Map(Object.entries(instance));
  return null;
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A value the drift service takes for a column of this kind (as its records.columns checks), or undefined. */
export function driftValue(kind: 'numeric' | 'categorical', v: unknown): number | string | boolean | undefined {
  if (kind === 'numeric') return isFiniteNumber(v) ? v : undefined;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return isFiniteNumber(v) && Number.isInteger(v) ? v : undefined;
}

export interface PredictionFacts {
  id: string;
  features: NamedFeatures;
  prediction: unknown;
  probabilities?: number[];
  latencyMs: number;
  ts: string;
}

/**
 * One drift record for a monitor, or null when the prediction does not fit its schema (a feature
 * missing or of another kind): one unfit record would make the service refuse the whole batch.
 */
export function driftRecord(monitor: Pick<MonitorResponse, 'features' | 'prediction'>, p: PredictionFacts): DriftRecordInput | null {
  const features: Record<string, number | string | boolean> = {};
  for (const f of monitor.features) {
    const v = driftValue(f.kind, p.features.get(f.name));
    if (v === undefined) return null;
    features[f.name] = v;
  }
  const prediction = monitor.prediction ? driftValue(monitor.prediction.kind, p.prediction) : undefined;
  const probabilities = p.probabilities?.filter(isFiniteNumber) ?? [];
  const confidence = probabilities.length ? Math.max(...probabilities) : undefined;
  return {
    id: p.id,
    features,
    ...(prediction !== undefined ? { prediction } : {}),
    ...(confidence !== undefined && confidence >= 0 && confidence <= 1 ? { confidence } : {}),
    latencyMs: p.latencyMs,
    success: true,
    ts: p.ts,
  };
}

type Sample = Record<string, number | string | boolean | null>;

/** Whether a label is a target of the learner: 0/1 (a classifier), a class (multiclass), a finite number (a regression). */
function isTarget(learner: PipelineResponse['learner'], target: unknown): target is number | string {
  if (isMulticlass(learner)) {
    const label = ClassLabel.safeParse(target);
    const classes = fixedClasses(learner);
    return label.success && (!classes || classes.includes(label.data));
  }
  return isClassifier(learner) ? target === 0 || target === 1 : isFiniteNumber(target);
}

/**
 * A learning sample from stored features and a label, or null when the label is no target of this
 * pipeline (a classifier takes 0/1 or a boolean, a multiclass learner a class label, a regression a finite number). Features of
 * another kind are sent as missing (null), which every pipeline accepts, rather than refused.
 */
export function sampleRow(
  pipeline: Pick<PipelineResponse, 'features' | 'target' | 'learner'>,
  features: Record<string, unknown>,
  label: unknown,
): SampleInput | null {
  const target = typeof label === 'boolean' ? Number(label) : label;
  if (!isTarget(pipeline.learner, target)) return null;
  const row: Sample = {};
  for (const f of pipeline.features) {
    const v = Object.hasOwn(features, f.name) ? features[f.name] : undefined;
    const fits = f.kind === 'numeric' ? isFiniteNumber(v) : f.kind === 'categorical' ? typeof v === 'string' : typeof v === 'boolean';
    row[f.name] = fits ? (v as number | string | boolean) : null;
  }
  row[pipeline.target] = target;
  return row;
}
