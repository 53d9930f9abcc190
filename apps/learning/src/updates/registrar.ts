import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { LearningPipeline } from '@modelyard/db';
import type { LinearModel } from '@modelyard/learners';
import type { CreateVersionBody, GateResult, VersionResponse } from '@modelyard/types';
import { ExperimentsClient } from '../clients/experiments.client.js';
import { RegistryClient } from '../clients/registry.client.js';
import { UpstreamRefused } from '../clients/upstream.js';
import { specOf } from '../pipelines/pipelines.mapper.js';
import { restoreLearner } from './learner.js';
import type { ProductionModel } from './gate.js';

/** Where a stage is on the way to production; stages off that way (failed, archived) rank last. */
const STAGE_ORDER: readonly string[] = ['draft', 'testing', 'staging', 'production'];
function stageRank(stage: string): number {
  const rank = STAGE_ORDER.indexOf(stage);
  return rank < 0 ? STAGE_ORDER.length : rank;
}

/** The file every version registered by a pipeline carries: LinearModel.toJSON() of packages/learners. */
export const MODEL_FILE = 'model.json';

export interface Candidate {
  pipeline: LearningPipeline;
  seq: number;
  reason: string;
  model: LinearModel;
  /** Progressive metrics over this update's samples, and the gate's verdict. */
  metrics: Record<string, number>;
  gate: GateResult;
  samples: number;
  samplesSeen: bigint;
  fromSample: number;
  parentVersion: string | null;
  driftReportId?: string;
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
      return { version: version.version, model: restoreLearner(JSON.parse(bytes.toString('utf8'))) };
    } catch (err) {
      this.logger.warn(`${model}@${version.version}: ${MODEL_FILE} is not a loadable model: ${(err as Error).message}`);
      return { version: version.version, model: null };
    }
  }

  /**
   * Registers the candidate: a draft version with metrics, params and lineage, its serialised model
   * as artifact, then the pipeline's target stage. Safe to repeat after a crash: the same run and
   * content map to the same Idempotency-Key, hence to the same version.
   */
  async register(c: Candidate): Promise<VersionResponse> {
    const p = c.pipeline;
    const spec = specOf(p);
    const finite = Object.fromEntries(Object.entries(c.metrics).filter(([, v]) => Number.isFinite(v)));
    const body: CreateVersionBody = {
      description: `Learned by pipeline ${p.name}, update ${c.seq} (${c.reason})`,
      tags: ['learning-pipeline'],
      metrics: {
        ...finite,
        ...(c.gate.candidate !== null ? { [`holdout_${c.gate.metric}`]: c.gate.candidate } : {}),
        samples: c.samples,
        samples_seen: Number(c.samplesSeen),
      },
      params: { learner: spec.learner.type, ...spec.learner.hyperparameters, ...c.model.options },
      trainingInfo: {
        pipeline: p.name,
        pipelineId: p.id,
        update: c.seq,
        reason: c.reason,
        samples: c.samples,
        samplesSeen: Number(c.samplesSeen),
        fromSample: c.fromSample,
        toSample: c.fromSample + c.samples,
        holdout: c.gate.holdout,
        ...(c.driftReportId ? { driftReportId: c.driftReportId } : {}),
      },
      inputSchema: { features: spec.features },
      outputSchema: { target: p.target, type: spec.learner.type },
      lineage: {
        ...(c.parentVersion ? { parentVersion: c.parentVersion } : {}),
        pipelineId: p.id,
        dataset: `learning:${p.id}/samples/${c.fromSample}-${c.fromSample + c.samples}`,
      },
    };
    const digest = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
    const created = await this.registry.createVersion(p.model, body, `learning:${p.id}:${c.seq}:${digest}`);
    // A retried run gets the first attempt's answer replayed (a draft), though that attempt may
    // have uploaded and moved the version on since: what is left to do is read from the registry.
    const manifest = await this.registry.manifest(p.model, created.version);
    const bytes = Buffer.from(JSON.stringify(c.model.toJSON()));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const stored = manifest.items.find((a) => a.path === MODEL_FILE);
    if (stored?.sha256 !== sha256) {
      if (manifest.immutable) {
        throw new UpstreamRefused(409, `${p.model}@${created.version} is ${manifest.stage} with ${stored ? 'another' : 'no'} ${MODEL_FILE}: it cannot be completed`);
      }
      await this.registry.upload(p.model, created.version, MODEL_FILE, bytes);
    }
    const target = spec.register.stage;
    // draft → testing, draft → staging and testing → staging are allowed moves in the registry's
    // lifecycle; a version already at or past the target (or moved aside by someone) stays where it is.
    if (stageRank(manifest.stage) < stageRank(target)) {
      return this.registry.transition(p.model, created.version, target, `pipeline ${p.name} update ${c.seq}`);
    }
    return manifest.stage === created.stage ? created : this.registry.version(p.model, created.version);
  }

  /** The challenger experiment (new version vs production), when the pipeline asks for one. */
  async startExperiment(p: LearningPipeline, version: string, production: string): Promise<string> {
    const { register } = specOf(p);
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
