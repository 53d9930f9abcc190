import { Inject, Injectable } from '@nestjs/common';
import { ONNX_PRODUCER } from '@modelyard/learners';
import { ArtifactCache } from '../artifacts/artifact-cache.js';
import type { ServingSettings } from '../config.js';
import { chooseOutputs } from '../predict/outputs.js';
import { RegistrySource } from '../registry/registry.source.js';
import { featuresOf, InputSchemaError, type Feature } from '../runtime/input-schema.js';
import { layoutOf, SchemaMismatch, type Layout } from '../runtime/layout.js';
import { BatchingRunner } from '../runtime/batching-runner.js';
import { LearnerRunner } from '../runtime/learner-runner.js';
import { onnxProducerName } from '../runtime/onnx-producer.js';
import { OnnxRunner } from '../runtime/onnx-runner.js';
import { ModelLoadError, type Runner } from '../runtime/runner.js';
import { allocate, elementCount, type HostTensor } from '../runtime/tensors.js';
import { ServingMetrics } from '../serving.metrics.js';
import { SERVING_SETTINGS } from '../serving.tokens.js';
import { LoadError, SERVABLE_ARTIFACTS, type LoadedVersion, type VersionDescriptor } from './loaded-version.js';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** One instance of zeros (empty strings, false) for every input: the warm-up call. */
export function warmupFeeds(runner: Runner, layout: Layout | null): Map<string, HostTensor> {
  const width = layout?.kind === 'matrix' ? layout.width : null;
  return new Map(
    runner.inputs.map((input) => {
      // Variable dimensions: 1 instance, the schema's width for the matrix's columns, else 1.
      const shape = (input.shape ?? [1]).map((d, k) => (d >= 0 ? d : k === 1 && width ? width : 1));
      return [input.name, { datatype: input.datatype, shape, data: allocate(input.datatype, elementCount(shape)) }];
    }),
  );
}

/**
 * Turns a registry version into a LoadedVersion: its servable artifact (through the disk cache),
 * a runner, the mapping of the input schema onto the model's inputs, and one warm-up inference.
 * Each step that fails says why with a LoadError reason; nothing half-loaded is returned.
 */
@Injectable()
export class VersionLoader {
  constructor(
    @Inject(RegistrySource) private readonly source: RegistrySource,
    @Inject(ArtifactCache) private readonly cache: ArtifactCache,
    @Inject(SERVING_SETTINGS) private readonly settings: ServingSettings,
    @Inject(ServingMetrics) private readonly metrics: ServingMetrics,
  ) {}

  /** The version's servable artifact and schema; null when it has none (or no longer exists). */
  async describe(model: string, version: string): Promise<VersionDescriptor | null> {
    const manifest = await this.source.manifest(model, version);
    if (!manifest) return null;
    const pick = SERVABLE_ARTIFACTS.map((s) => ({ s, item: manifest.items.find((i) => i.path === s.path) })).find((p) => p.item);
    if (!pick) return null;
    const info = await this.source.version(model, version);
    if (!info) return null;
    const { item, s } = pick;
    return {
      model,
      version,
      format: s.format,
      artifact: item!.path,
      sha256: item!.sha256,
      size: item!.size,
      inputSchema: info.inputSchema,
      immutable: manifest.immutable,
    };
  }

  async load(d: VersionDescriptor): Promise<LoadedVersion> {
    const bytes = await this.cache.read(d);
    const features = this.features(d);
    const runner = await this.runner(d, bytes, features);
    try {
      const layout = this.layout(runner, features);
      const outputs = chooseOutputs(runner.outputs);
      await this.warm(runner, layout, outputs.prediction);
      return { descriptor: d, runner, layout, outputs, bytes: bytes.length };
    } catch (err) {
      await runner.release();
      throw err;
    }
  }

  private features(d: VersionDescriptor): Feature[] | null {
    try {
      return featuresOf(d.inputSchema);
    } catch (err) {
      if (err instanceof InputSchemaError) throw new LoadError('schema', err.message);
      throw err;
    }
  }

  private async runner(d: VersionDescriptor, bytes: Buffer, features: Feature[] | null): Promise<Runner> {
    try {
      const runner =
        d.format === 'onnx' ? await OnnxRunner.create(bytes, this.settings.onnxThreads) : LearnerRunner.create(bytes, features);
      if (!this.rowsIndependent(d, bytes)) return runner;
      const shared = this.metrics.batched.labels(d.model);
      return new BatchingRunner(runner, (calls) => shared.inc(calls));
    } catch (err) {
      if (err instanceof ModelLoadError) throw new LoadError('load', err.message);
      throw err;
    }
  }

  /** Whether SERVING_BATCHING lets this version's concurrent runs be batched (see BatchingRunner). */
  private rowsIndependent(d: VersionDescriptor, bytes: Buffer): boolean {
    const { batching } = this.settings;
    if (batching === 'off') return false;
    if (batching === 'all' || d.format === 'learner') return true;
    // The learners' exporter writes one linear (or softmax) function of each row.
    return onnxProducerName(bytes) === ONNX_PRODUCER;
  }

  private layout(runner: Runner, features: Feature[] | null): Layout | null {
    try {
      return layoutOf(runner.inputs, features);
    } catch (err) {
      if (err instanceof SchemaMismatch) throw new LoadError('schema', err.message);
      throw err;
    }
  }

  /** One inference before any traffic: a model that cannot run never takes a request. */
  private async warm(runner: Runner, layout: Layout | null, prediction: string): Promise<void> {
    try {
      const out = await runner.run(warmupFeeds(runner, layout));
      const answer = out.get(prediction);
      if (!answer || answer.shape[0] !== 1)
        throw new Error(`output '${prediction}' has shape [${answer?.shape.join(', ') ?? ''}] for 1 instance`);
    } catch (err) {
      throw new LoadError('warmup', `the warm-up inference failed: ${message(err)}`);
    }
  }
}
