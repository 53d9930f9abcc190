import type { JsonObject, LoadFailureReason, ServedFormat } from '@modelyard/types';
import type { OutputChoice } from '../predict/outputs.js';
import type { Layout } from '../runtime/layout.js';
import type { Runner } from '../runtime/runner.js';

/** The artifact files served, by preference: ONNX when a version has both. */
export const SERVABLE_ARTIFACTS: readonly { path: string; format: ServedFormat }[] = [
  { path: 'model.onnx', format: 'onnx' },
  { path: 'model.json', format: 'learner' },
];

/** What the registry says about a version that can be served: its artifact and input schema. */
export interface VersionDescriptor {
  model: string;
  version: string;
  format: ServedFormat;
  artifact: string;
  sha256: string;
  size: number;
  inputSchema: JsonObject | null;
  /** False for drafts (an alias may point at one): their artifact can still change, so it is looked at again. */
  immutable: boolean;
}

export const keyOf = (model: string, version: string) => `${model}@${version}`;

/** A version in memory: its runner, how /v1 instances map onto it and which outputs answer /v1. */
export interface LoadedVersion {
  descriptor: VersionDescriptor;
  runner: Runner;
  /** Null when only /v2 can call it (several inputs and no input schema); `why` says so. */
  layout: Layout | null;
  outputs: OutputChoice;
  /** Counted against SERVING_MAX_MODELS_MB. */
  bytes: number;
}

/** Why a version could not be loaded; `reason` is the metric label and the failure's kind. */
export class LoadError extends Error {
  constructor(
    readonly reason: LoadFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'LoadError';
  }

  /** Download failures are worth another try at the next reconcile; the others recur with the same bytes. */
  get transient(): boolean {
    return this.reason === 'download' || this.reason === 'integrity';
  }
}
