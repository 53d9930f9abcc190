import type { ServedFormat } from '@modelyard/types';
import type { HostTensor, TensorSpec } from './tensors.js';

/**
 * A loaded model, whatever its format: named input tensors in, named output tensors out. Both the
 * /v1 predict mapping and the /v2 protocol are written against this, so a new format is one runner.
 */
export interface Runner {
  readonly format: ServedFormat;
  /** The OIP platform name reported in model metadata. */
  readonly platform: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /**
   * Runs on feeds the caller has checked against `inputs` (names, datatypes, shapes). `outputs`
   * limits what is computed and returned (all when omitted).
   */
  run(feeds: ReadonlyMap<string, HostTensor>, outputs?: readonly string[]): Promise<Map<string, HostTensor>>;
  /** Frees native memory; called once no request holds the runner any more. */
  release(): Promise<void>;
}

/** A model file that cannot be run: it does not parse, or its graph is not one this service serves. */
export class ModelLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelLoadError';
  }
}
