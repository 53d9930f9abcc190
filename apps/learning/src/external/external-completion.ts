import { Inject, Injectable } from '@nestjs/common';
import { Conflict, ValidationFailed } from '@modelyard/platform';
import type { CompleteJobBody, GateResult, ManifestResponse } from '@modelyard/types';
import { RegistryClient } from '../clients/registry.client.js';
import { LearningMetrics } from '../learning.metrics.js';
import type { Pipeline } from '../pipelines/pipeline.js';
import { PipelinesRepository } from '../pipelines/pipelines.repository.js';
import { BufferStore, SamplesGone } from '../samples/buffer.store.js';
import type { ProductionModel } from '../updates/gate.js';
import { toSample, type LabelledSample } from '../updates/learner.js';
import { Registrar } from '../updates/registrar.js';
import { needsMove } from '../updates/registration.js';
import { UpdateTrigger } from '../updates/update-trigger.js';
import { toUpdateEntry } from '../updates/updates.mapper.js';
import { windowOf, type ExternalJob } from './external-job.js';
import { externalGate } from './external-gate.js';
import { toExternalJobResponse } from './external-jobs.mapper.js';
import { ExternalJobsRepository, LEASE_LOST, WINDOW_STALE } from './external-jobs.repository.js';
import { ExternalJobsService } from './external-jobs.service.js';
import { leaseConflict } from './lease-errors.js';
import { leaseProblem } from './lease.js';

/** Stages a worker's version may be in when its job completes: a draft, or moved by an earlier try of this completion. */
const COMPLETABLE: ReadonlySet<string> = new Set(['draft', 'testing', 'staging']);

/**
 * A worker's version goes the way a built-in candidate goes (update.runner.ts steps 3–5): the gate on
 * the held-out samples, then the pipeline's registration stage and experiment (with its
 * auto-promotion) through the same Registrar, then one transaction recording the run and consuming
 * the trained samples. A refused version is moved to `failed` and its samples are consumed with it,
 * as a refused built-in candidate's are. Repeating a completion (same lease token) answers it again.
 */
@Injectable()
export class ExternalCompletion {
  constructor(
    @Inject(ExternalJobsService) private readonly service: ExternalJobsService,
    @Inject(ExternalJobsRepository) private readonly jobs: ExternalJobsRepository,
    @Inject(PipelinesRepository) private readonly pipelines: PipelinesRepository,
    @Inject(RegistryClient) private readonly registry: RegistryClient,
    @Inject(Registrar) private readonly registrar: Registrar,
    @Inject(BufferStore) private readonly buffer: BufferStore,
    @Inject(UpdateTrigger) private readonly trigger: UpdateTrigger,
    @Inject(LearningMetrics) private readonly metrics: LearningMetrics,
  ) {}

  async complete(ref: string, jobId: string, body: CompleteJobBody) {
    const { p, job } = await this.service.load(ref, jobId);
    if (job.status === 'completed' && job.leaseToken === body.leaseToken) return this.replay(p, job);
    if (leaseProblem(job, body.leaseToken, new Date())) throw leaseConflict(job, body.leaseToken);
    if (body.metrics[p.gate.metric] === undefined) {
      const message = `the gate's metric (${p.gate.metric}) on the held-out samples is required`;
      throw new ValidationFailed([{ field: `metrics.${p.gate.metric}`, in: 'body', message }]);
    }
    const manifest = await this.completableVersion(p, body.version);
    const production = await this.registrar.production(p.model);
    const gate = externalGate(p.gate, body, { count: job.holdout, samples: await this.holdout(p, job) }, production);
    const experimentKey = await this.registerOrRefuse(p, body.version, manifest, gate, production);
    const done = await this.jobs.complete({
      job,
      leaseToken: body.leaseToken,
      outcome: gate.passed ? 'registered' : 'rejected',
      version: body.version,
      gate,
      metrics: Object.fromEntries(Object.entries(body.metrics).map(([k, v]) => [`holdout_${k}`, v])),
      experimentKey,
    });
    if (done === LEASE_LOST) throw leaseConflict((await this.jobs.find(p.id, job.id)) ?? job, body.leaseToken);
    if (done === WINDOW_STALE) throw new Conflict(`job ${job.id}: its samples were consumed by another update`);
    await this.afterCommit(p, done.run.outcome, done.run.samples, job.toSample - BigInt(job.holdout));
    return { job: toExternalJobResponse(done.job, p), update: toUpdateEntry(done.run) };
  }

  /** The version the worker registered: in the pipeline's model, holding an artifact, not past staging. */
  private async completableVersion(p: Pipeline, version: string): Promise<ManifestResponse> {
    const manifest = await this.registry.findManifest(p.model, version);
    const refuse = (message: string) => new ValidationFailed([{ field: 'version', in: 'body', message }]);
    if (!manifest) throw refuse(`model '${p.model}' has no version ${version} in the registry`);
    if (!manifest.items.length) throw refuse(`version ${version} has no artifact: upload the model before completing`);
    if (!COMPLETABLE.has(manifest.stage))
      throw refuse(`version ${version} is ${manifest.stage}; complete with the draft version you registered`);
    return manifest;
  }

  /** The held-out samples, for scoring production here; null when the buffer lost them (full). */
  private async holdout(p: Pipeline, job: ExternalJob): Promise<LabelledSample[] | null> {
    const { holdout } = windowOf(job);
    try {
      const rows = await this.buffer.readRange(p.id, holdout.from, holdout.count, p.consumedThrough);
      return rows.length === holdout.count ? rows.map((r) => toSample(r, p.features, p.target)) : null;
    } catch (err) {
      if (err instanceof SamplesGone) return null;
      throw err;
    }
  }

  /** Passed: the pipeline's stage and experiment (as a built-in update). Refused: the draft is marked failed. */
  private async registerOrRefuse(
    p: Pipeline,
    version: string,
    manifest: ManifestResponse,
    gate: GateResult,
    production: ProductionModel | null,
  ): Promise<string | null> {
    if (!gate.passed) {
      if (manifest.stage === 'draft') await this.registry.transition(p.model, version, 'failed', `pipeline ${p.name}: ${gate.reason}`);
      return null;
    }
    if (needsMove(manifest.stage, p.register.stage)) {
      await this.registry.transition(p.model, version, p.register.stage, `pipeline ${p.name}: external update passed the gate`);
    }
    return p.register.startExperiment && production ? this.registrar.startExperiment(p, version, production.version) : null;
  }

  /** As a built-in run's finish: trim what was consumed, count, and let the strategy ask for the next job. */
  private async afterCommit(p: Pipeline, outcome: string, samples: number, consumedThrough: bigint) {
    const size = await this.buffer.trimTo(p.id, consumedThrough);
    this.metrics.updates.inc({ pipeline: p.name, outcome });
    if (samples > 0) this.metrics.samplesProcessed.inc({ pipeline: p.name }, samples);
    const now = await this.pipelines.find(p.id);
    if (now) await this.trigger.afterSamples(now, size);
  }

  private async replay(p: Pipeline, job: ExternalJob) {
    const run = await this.jobs.runOf(job);
    if (!run) throw new Conflict(`job ${job.id} is completed but its update is not in the history`);
    return { job: toExternalJobResponse(job, p), update: toUpdateEntry(run) };
  }
}
