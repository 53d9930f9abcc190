import {
  CreatePipelineBody,
  PipelinePage,
  PipelineResponse,
  SampleRow,
  SamplesResponse,
  StatusResponse,
  TriggerResponse,
  UpdatePage,
  UpdatePipelineBody,
  type ListPipelinesQuery,
  type PageQuery,
} from '@modelyard/types';
import { z } from 'zod';
import type { HttpClient } from '../http/http-client.js';
import { keyFor, type IdempotencyOption } from '../http/idempotency.js';
import { paginate } from '../http/pagination.js';
import { path } from '../http/path.js';
import { BatchIngestor, type BatchIngestorOptions } from '../ingest/batch-ingestor.js';
import { ExternalJobsClient } from './external-jobs.client.js';

type PageOptions<Q> = Partial<Omit<Q, 'limit' | 'cursor'>> & { limit?: number; cursor?: string };
type IngestorOptions<T> = Omit<BatchIngestorOptions<T>, 'send'>;
const Empty = z.unknown();

/** One labelled sample: the pipeline's features by name plus its target, e.g. `{ tenure: 12, plan: 'pro', churned: 0 }`. */
export type SampleInput = z.input<typeof SampleRow>;

/** Pipelines: `ref` is a pipeline's id (UUID) or its name everywhere. */
export class PipelinesClient {
  constructor(private readonly http: HttpClient) {}

  /** The model must exist in the registry; keyed like every creation. */
  create(body: z.input<typeof CreatePipelineBody>, options: IdempotencyOption = {}) {
    return this.http.json('POST', '/v1/pipelines', PipelineResponse, { body, idempotencyKey: keyFor(options) });
  }
  /** By name; filter by `model` or `state`. */
  list(query: PageOptions<ListPipelinesQuery> = {}) {
    return this.http.json('GET', '/v1/pipelines', PipelinePage, { query });
  }
  all(query: Omit<PageOptions<ListPipelinesQuery>, 'cursor'> = {}) {
    return paginate((cursor) => this.list({ ...query, cursor }));
  }
  get(ref: string) {
    return this.http.json('GET', path`/v1/pipelines/${ref}`, PipelineResponse);
  }
  /** Strategy, sizes, schedule, adaptive, gate, register, onDrift; learner, features and target are fixed. */
  update(ref: string, body: z.input<typeof UpdatePipelineBody>) {
    return this.http.json('PATCH', path`/v1/pipelines/${ref}`, PipelineResponse, { body });
  }
  /** Deletes the pipeline with its checkpoints, history and buffer; registered versions stay (needs `admin`). */
  async delete(ref: string): Promise<void> {
    await this.http.json('DELETE', path`/v1/pipelines/${ref}`, Empty);
  }
  // Pause and resume set a state, so repeating one is harmless.
  pause(ref: string) {
    return this.http.json('POST', path`/v1/pipelines/${ref}/pause`, PipelineResponse, { retrySafe: true });
  }
  resume(ref: string) {
    return this.http.json('POST', path`/v1/pipelines/${ref}/resume`, PipelineResponse, { retrySafe: true });
  }
  /**
   * Runs an update now (202 `{ jobId }`). Job ids are deterministic per run, so a repeated trigger
   * joins the job already queued: retried like a GET.
   */
  trigger(ref: string) {
    return this.http.json('POST', path`/v1/pipelines/${ref}/trigger`, TriggerResponse, { retrySafe: true });
  }
  /** Buffer size, dropped total, samples seen, whether an update runs, current version, last update, rolling metrics. */
  status(ref: string) {
    return this.http.json('GET', path`/v1/pipelines/${ref}/status`, StatusResponse);
  }
  /** Update runs, newest first (one page). */
  history(ref: string, query: PageOptions<PageQuery> = {}) {
    return this.http.json('GET', path`/v1/pipelines/${ref}/history`, UpdatePage, { query });
  }
  /** Every update run, newest first. */
  historyAll(ref: string, query: Omit<PageOptions<PageQuery>, 'cursor'> = {}) {
    return paginate((cursor) => this.history(ref, { ...query, cursor }));
  }
}

/** Learning pipelines and their labelled samples. */
export class LearningClient {
  readonly pipelines: PipelinesClient;
  /** External trainers' update jobs (pipelines with `learner: {type: 'external'}`). */
  readonly jobs: ExternalJobsClient;

  constructor(readonly http: HttpClient) {
    this.pipelines = new PipelinesClient(http);
    this.jobs = new ExternalJobsClient(http);
  }

  /**
   * One batch (up to 10,000 rows), checked whole by the service (a bad row refuses the batch with
   * 400 naming `samples.<row>.<field>`, and none of it is kept); keyed so a retried batch counts once.
   * Answers 202 `{ accepted, bufferSize, dropped, updateJobId }`.
   */
  samples(ref: string, rows: SampleInput[], options: IdempotencyOption = {}) {
    return this.http.json('POST', path`/v1/pipelines/${ref}/samples`, SamplesResponse, {
      body: { samples: rows },
      idempotencyKey: keyFor(options),
    });
  }
  /** Background batching of samples for one pipeline, one Idempotency-Key per batch (close() it at shutdown). */
  sampleIngestor(ref: string, options: IngestorOptions<SampleInput> = {}) {
    return new BatchIngestor<SampleInput>({ ...options, send: (batch, idempotencyKey) => this.samples(ref, batch, { idempotencyKey }) });
  }
}
