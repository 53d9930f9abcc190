import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogisticRegression, modelFromJSON } from '@modelyard/learners';
import type { Modelyard } from '@modelyard/sdk';
import type { Row } from './world.js';

/**
 * What the demo's application does to serve predictions: pull a version's `model.json` from the
 * registry (SHA-256 verified by the SDK) and restore the learner that the pipeline registered.
 */
export class ModelServer {
  private readonly loaded = new Map<string, LogisticRegression>();
  private dir: string | null = null;

  constructor(
    private readonly my: Modelyard,
    private readonly model: string,
  ) {}

  async load(version: string): Promise<void> {
    if (this.loaded.has(version)) return;
    this.dir ??= await mkdtemp(join(tmpdir(), 'modelyard-demo-'));
    const file = join(this.dir, `${version}.json`);
    await this.my.registry.artifacts.pull(this.model, version, 'model.json', file);
    const model = modelFromJSON(JSON.parse(await readFile(file, 'utf8')));
    if (!(model instanceof LogisticRegression)) throw new Error(`${this.model}@${version} is not a classifier`);
    this.loaded.set(version, model);
  }

  /** P(y = 1) by the given version. */
  score(version: string, x: Row): number {
    const model = this.loaded.get(version);
    if (!model) throw new Error(`version ${version} is not loaded`);
    return model.predictProbaOne(x);
  }

  async close(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
