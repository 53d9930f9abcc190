import { LogisticRegression, modelFromJSON, type LinearModelState } from '@modelyard/learners';
import type { Modelyard } from '@modelyard/sdk';
import type { Row } from './world.js';

/**
 * What the demo's application does to serve predictions: read a version's `model.json` from the
 * registry (SHA-256 checked by the SDK) and restore the learner that the pipeline registered.
 */
export class ModelServer {
  private readonly loaded = new Map<string, LogisticRegression>();

  constructor(
    private readonly my: Modelyard,
    private readonly model: string,
  ) {}

  async load(version: string): Promise<void> {
    if (this.loaded.has(version)) return;
    const bytes = await this.my.registry.artifacts.read(this.model, version, 'model.json');
    const model = modelFromJSON(JSON.parse(bytes.toString('utf8')) as LinearModelState);
    if (!(model instanceof LogisticRegression)) throw new Error(`${this.model}@${version} is not a classifier`);
    this.loaded.set(version, model);
  }

  /** P(y = 1) by the given version. */
  score(version: string, x: Row): number {
    const model = this.loaded.get(version);
    if (!model) throw new Error(`version ${version} is not loaded`);
    return model.predictProbaOne(x);
  }
}
