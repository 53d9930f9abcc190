import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Conflict, PLATFORM_CONFIG, type PlatformConfig } from '@modelyard/platform';
import type { ClaimJobBody, FailJobBody, HeartbeatBody, JobSamplesQuery } from '@modelyard/types';
import { RegistryClient } from '../clients/registry.client.js';
import { LearningMetrics } from '../learning.metrics.js';
import type { Pipeline } from '../pipelines/pipeline.js';
import { PipelinesRepository } from '../pipelines/pipelines.repository.js';
import { BufferStore, SamplesGone } from '../samples/buffer.store.js';
import { windowOf, type ExternalJob } from './external-job.js';
import { toExternalJobResponse, type ProductionArtifacts } from './external-jobs.mapper.js';
import { ExternalJobsRepository, LEASE_LOST } from './external-jobs.repository.js';
import { ExternalOffers } from './external-offers.js';
import { jobNotFound, leaseConflict, requireExternal } from './lease-errors.js';
import { chooseFormat, CONTENT_TYPES, encodedPages, PAGE_ROWS } from './samples-stream.js';

/** A streamed answer: its content type and body. */
export interface SamplesAnswer {
  contentType: string;
  body: Readable;
}

/**
 * External workers' use cases besides completion (external-completion.ts): claim a job with a
 * lease, keep it with heartbeats, read its samples, give it up. Every lease check is Postgres'.
 */
@Injectable()
export class ExternalJobsService {
  private readonly logger = new Logger(ExternalJobsService.name);

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(PipelinesRepository) private readonly pipelines: PipelinesRepository,
    @Inject(ExternalJobsRepository) private readonly jobs: ExternalJobsRepository,
    @Inject(ExternalOffers) private readonly offers: ExternalOffers,
    @Inject(BufferStore) private readonly buffer: BufferStore,
    @Inject(RegistryClient) private readonly registry: RegistryClient,
    @Inject(LearningMetrics) private readonly metrics: LearningMetrics,
  ) {}

  /** The pipeline (external) and its job, or 404/409. */
  async load(ref: string, jobId: string): Promise<{ p: Pipeline; job: ExternalJob }> {
    const p = await this.pipelines.get(ref);
    requireExternal(p);
    const job = await this.jobs.find(p.id, jobId);
    if (!job) throw jobNotFound(jobId);
    return { p, job };
  }

  /** The next job with a fresh lease, or null (nothing to do, or the pipeline is paused). */
  async claim(ref: string, body: ClaimJobBody) {
    const p = await this.pipelines.get(ref);
    requireExternal(p);
    if (p.state === 'paused') return null;
    const token = randomBytes(24).toString('base64url');
    const job = await this.jobs.claim(p.id, token, body.worker ?? null, body.leaseSeconds);
    if (!job) return null;
    try {
      return toExternalJobResponse(job, p, { production: await this.production(p), withToken: true });
    } catch (err) {
      // The worker never learns the token: give the job back so the next claim gets it at once.
      await this.jobs.release(job.id, token);
      throw err;
    }
  }

  async get(ref: string, jobId: string) {
    const { p, job } = await this.load(ref, jobId);
    return toExternalJobResponse(job, p);
  }

  async heartbeat(ref: string, jobId: string, body: HeartbeatBody) {
    const { p, job } = await this.load(ref, jobId);
    const extended = await this.jobs.heartbeat(job, body.leaseToken, body.leaseSeconds);
    if (extended === LEASE_LOST) throw leaseConflict(job, body.leaseToken);
    return toExternalJobResponse(extended, p);
  }

  /** Gives the job up: the attempt goes to the history and its samples are offered again in a new job. */
  async fail(ref: string, jobId: string, body: FailJobBody) {
    const { p, job } = await this.load(ref, jobId);
    const failed = await this.jobs.fail(job, body.leaseToken, body.reason);
    if (failed === LEASE_LOST) throw leaseConflict(job, body.leaseToken);
    this.metrics.updates.inc({ pipeline: p.name, outcome: 'failed' });
    const now = await this.pipelines.get(p.id);
    const retry = now.state === 'active' ? await this.offers.offer(now, job.reason, job.driftReportId) : null;
    return { job: toExternalJobResponse(failed, p), retryJobId: retry && 'jobId' in retry ? retry.jobId : null };
  }

  /**
   * The job's samples (all, train or holdout) as NDJSON or CSV. The first page is read before the
   * answer starts, so samples already gone are a 409 problem+json; a page failing later aborts the
   * stream (logged), which the client sees as a broken transfer.
   */
  async samples(ref: string, jobId: string, query: JobSamplesQuery, accept: string | undefined): Promise<SamplesAnswer> {
    const { p, job } = await this.load(ref, jobId);
    if (job.status === 'completed' || job.status === 'failed') {
      throw new Conflict(`job ${job.id} is ${job.status}: its samples belong to ${job.status === 'completed' ? 'the model' : 'a new job'}`);
    }
    const w = windowOf(job);
    const range = query.part === 'all' ? w.samples : query.part === 'train' ? w.train : w.holdout;
    const read = (from: number, count: number) => this.buffer.readRange(p.id, from, count, p.consumedThrough);
    const format = chooseFormat(query.format, accept);
    const firstCount = Math.min(PAGE_ROWS, range.count);
    const first = await read(range.from, firstCount).catch((err: unknown) => {
      throw err instanceof SamplesGone ? new Conflict(`job ${job.id}: ${err.message}; fail the job to get a new one`) : err;
    });
    if (first.length < firstCount) throw new Conflict(`job ${job.id}: samples from ${range.from + first.length} are missing`);
    const columns = [...p.features.map((f) => f.name), p.target];
    const body = Readable.from(encodedPages(first, range, read, format, columns));
    body.on('error', (err) => this.logger.warn(`samples of job ${job.id} aborted: ${err.message}`));
    return { contentType: CONTENT_TYPES.get(format)!, body };
  }

  /** The production version and where its artifacts are in the registry's API (as this service reaches it). */
  private async production(p: Pipeline): Promise<ProductionArtifacts> {
    const version = await this.registry.production(p.model);
    if (!version) return null;
    const manifest = await this.registry.manifest(p.model, version.version);
    const base = `${this.config.urls.registry.replace(/\/$/, '')}/v1/models/${encodeURIComponent(p.model)}/versions/${encodeURIComponent(version.version)}`;
    const artifacts = manifest.items.map((a) => ({
      path: a.path,
      sha256: a.sha256,
      size: a.size,
      url: `${base}/artifacts/${a.path.split('/').map(encodeURIComponent).join('/')}`,
    }));
    return { version: version.version, artifacts };
  }
}
