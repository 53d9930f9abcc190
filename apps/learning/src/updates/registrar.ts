import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ManifestResponse, VersionResponse } from '@modelyard/types';
import { ExperimentsClient } from '../clients/experiments.client.js';
import { RegistryClient } from '../clients/registry.client.js';
import { UpstreamRefused } from '../clients/upstream.js';
import type { Pipeline } from '../pipelines/pipeline.js';
import { parseModelFile } from './learner.js';
import type { ProductionModel } from './gate.js';
import { needsMove, onnxArtifact, versionBody, type Candidate } from './registration.js';

/** The file every version registered by a pipeline carries: the model's toJSON() (packages/learners). */
export const MODEL_FILE = 'model.json';
/** Beside it, when every feature can be a float column: the same model as ONNX. */
export const ONNX_FILE = 'model.onnx';

interface ArtifactFile {
  path: string;
  bytes: Buffer;
  contentType: string;
  required: boolean;
}

/** model.json, and model.onnx when every feature can be a float column (see onnxArtifact). */
function artifactsOf(c: Candidate): ArtifactFile[] {
  const json = Buffer.from(JSON.stringify(c.model.toJSON()));
  const onnx = onnxArtifact(c);
  return [
    { path: MODEL_FILE, bytes: json, contentType: 'application/json', required: true },
    ...(onnx ? [{ path: ONNX_FILE, bytes: onnx, contentType: 'application/onnx', required: false }] : []),
  ];
}

/** Talks to the registry (and experiments) for an update: fetch production, register the candidate. */
@Injectable()
export class Registrar {
  private readonly logger = new Logger(Registrar.name);

  constructor(
    @Inject(RegistryClient) private readonly registry: RegistryClient,
    @Inject(ExperimentsClient) private readonly experiments: ExperimentsClient,
  ) {}

  /** The model in production with its learner restored from its artifact, or null when none is in production. */
  async production(model: string): Promise<ProductionModel | null> {
    const version = await this.registry.production(model);
    if (!version) return null;
    const bytes = await this.registry.download(model, version.version, MODEL_FILE);
    if (!bytes) return { version: version.version, model: null };
    try {
      return { version: version.version, model: parseModelFile(bytes) };
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.logger.warn(`${model}@${version.version}: ${MODEL_FILE} is not a loadable model: ${why}`);
      return { version: version.version, model: null };
    }
  }

  /**
   * Registers the candidate: a draft version with metrics, params and lineage, its serialised model
   * as artifacts (model.json, and model.onnx when it can be exported), then the pipeline's target
   * stage. Safe to repeat after a crash: the same run and content map to the same Idempotency-Key,
   * hence to the same version.
   */
  async register(c: Candidate): Promise<VersionResponse> {
    const p = c.pipeline;
    const body = versionBody(c);
    const digest = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
    const created = await this.registry.createVersion(p.model, body, `learning:${p.id}:${c.seq}:${digest}`);
    // A retried run gets the first attempt's answer replayed (a draft), though that attempt may
    // have uploaded and moved the version on since: what is left to do is read from the registry.
    const manifest = await this.registry.manifest(p.model, created.version);
    for (const file of artifactsOf(c)) await this.uploadFile(p, created.version, manifest, file);
    const target = p.register.stage;
    if (needsMove(manifest.stage, target)) {
      return this.registry.transition(p.model, created.version, target, `pipeline ${p.name} update ${c.seq}`);
    }
    return manifest.stage === created.stage ? created : this.registry.version(p.model, created.version);
  }

  /**
   * Uploads a file unless the version holds it; a version that can no longer change cannot be
   * completed when the file is `required` (model.json), and keeps going without it otherwise.
   */
  private async uploadFile(p: Pipeline, version: string, manifest: ManifestResponse, file: ArtifactFile) {
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    const stored = manifest.items.find((a) => a.path === file.path);
    if (stored?.sha256 === sha256) return;
    if (manifest.immutable) {
      const holds = `${manifest.stage} with ${stored ? 'another' : 'no'} ${file.path}`;
      if (!file.required) return this.logger.warn(`${p.model}@${version} is ${holds}: registered without it`);
      throw new UpstreamRefused(409, `${p.model}@${version} is ${holds}: it cannot be completed`);
    }
    await this.registry.upload(p.model, version, file.path, file.bytes, file.contentType);
  }

  /** The challenger experiment (new version vs production), when the pipeline asks for one. */
  async startExperiment(p: Pipeline, version: string, production: string): Promise<string> {
    const { register } = p;
    const key = `${p.name.slice(0, 100)}-v${version}`.slice(0, 128);
    await this.experiments.createAndStart({
      key,
      model: p.model,
      description: `Pipeline ${p.name}: ${version} (challenger) against production ${production}`,
      variants: [
        { key: 'control', version: production, weight: 0.5 },
        { key: 'challenger', version, weight: 0.5 },
      ],
      control: 'control',
      primaryMetric: { name: register.experimentMetric, kind: 'binomial', direction: 'higher' },
      // Sequential (always-valid) so the experiments service may decide while it runs, and with
      // autoPromote promote the challenger on its own once the test finds it better, in the name
      // of the admin who turned it on (nobody on record: a human concludes).
      sequential: true,
      ...(register.autoPromote && p.autoPromoteEnabledBy
        ? { autoPromote: true, onBehalfOf: p.autoPromoteEnabledBy }
        : { autoPromote: false }),
    });
    return key;
  }
}
