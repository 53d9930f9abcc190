import { DomainError } from '@modelyard/platform';
import { ErrorCode } from '@modelyard/types';
import type { LoadedVersion } from '../models/loaded-version.js';
import type { ServingMetrics } from '../serving.metrics.js';
import type { HostTensor } from '../runtime/tensors.js';

/** The model could not run on input that passed every check: the input is what it refuses. */
export class InferenceFailed extends DomainError {
  constructor(loaded: LoadedVersion, err: unknown) {
    const { model, version } = loaded.descriptor;
    const why = err instanceof Error ? err.message : String(err);
    super(400, ErrorCode.inferenceFailed, 'Inference failed', `${model}@${version} could not run on this input: ${why}`);
  }
}

/** Runs the model and times it (the inference histogram); a runtime failure becomes InferenceFailed. */
export async function infer(
  loaded: LoadedVersion,
  feeds: ReadonlyMap<string, HostTensor>,
  outputs: readonly string[],
  metrics: ServingMetrics,
): Promise<Map<string, HostTensor>> {
  const started = performance.now();
  try {
    return await loaded.runner.run(feeds, outputs);
  } catch (err) {
    throw new InferenceFailed(loaded, err);
  } finally {
    metrics.of(loaded.descriptor).inference.observe((performance.now() - started) / 1000);
  }
}
