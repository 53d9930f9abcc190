import {
  AssignmentConfigResponse,
  AssignmentResponse,
  ConcludeResponse,
  CreateExperimentBody,
  ExperimentPage,
  ExperimentResponse,
  IngestResponse,
  ResultsResponse,
  type ConcludeBody,
  type EventsBody,
  type ExposuresBody,
  type ListExperimentsQuery,
  type UpdateExperimentBody,
} from '@modelyard/types';
import { z } from 'zod';
import type { HttpClient } from '../http/http-client.js';
import { paginate } from '../http/pagination.js';
import { keyFor, type IdempotencyOption } from '../http/idempotency.js';
import { path } from '../http/path.js';
import { BatchIngestor, type BatchIngestorOptions } from '../ingest/batch-ingestor.js';
import { LocalAssigner, type LocalAssignerOptions } from './local-assigner.js';

export type Exposure = ExposuresBody['exposures'][number];
export type OutcomeEvent = EventsBody['events'][number];
type PageOptions = Partial<Omit<ListExperimentsQuery, 'limit' | 'cursor'>> & { limit?: number; cursor?: string };
type IngestorOptions<T> = Omit<BatchIngestorOptions<T>, 'send'>;

/** The answer of a conditional config fetch: `null` config means "unchanged since that ETag". */
export interface ConfigFetch {
  config: AssignmentConfigResponse | null;
  etag: string | null;
}

/** Experiments: CRUD and lifecycle, results, server-side assignment, exposures and outcome events. */
export class ExperimentsClient {
  constructor(readonly http: HttpClient) {}

  create(body: z.input<typeof CreateExperimentBody>, options: IdempotencyOption = {}) {
    return this.http.json('POST', '/v1/experiments', ExperimentResponse, { body, idempotencyKey: keyFor(options) });
  }
  list(query: PageOptions = {}) {
    return this.http.json('GET', '/v1/experiments', ExperimentPage, { query });
  }
  all(query: Omit<PageOptions, 'cursor'> = {}) {
    return paginate((cursor) => this.list({ ...query, cursor }));
  }
  get(key: string) {
    return this.http.json('GET', path`/v1/experiments/${key}`, ExperimentResponse);
  }
  /** Weights, coverage, guardrails; allowed while running (units already assigned stay put). */
  update(key: string, body: UpdateExperimentBody) {
    return this.http.json('PATCH', path`/v1/experiments/${key}`, ExperimentResponse, { body });
  }
  // Not retried after a lost answer: a repeated start or stop is refused (409 invalid transition),
  // which would report a failure for a call that worked. Read the experiment to find out instead.
  start(key: string) {
    return this.http.json('POST', path`/v1/experiments/${key}/start`, ExperimentResponse);
  }
  stop(key: string) {
    return this.http.json('POST', path`/v1/experiments/${key}/stop`, ExperimentResponse);
  }
  conclude(key: string, body: ConcludeBody = {}) {
    return this.http.json('POST', path`/v1/experiments/${key}/conclude`, ConcludeResponse, { body });
  }
  results(key: string) {
    return this.http.json('GET', path`/v1/experiments/${key}/results`, ResultsResponse);
  }

  /** The server's sticky assignment of one unit. */
  assign(key: string, unit: string) {
    return this.http.json('GET', path`/v1/experiments/${key}/assignment`, AssignmentResponse, { query: { unit } });
  }
  /** Up to 1000 units per call; a unit's first assignment is recorded, repeating returns the same. */
  async assignMany(key: string, units: string[]): Promise<AssignmentResponse[]> {
    const res = await this.http.json('POST', path`/v1/experiments/${key}/assignments`, z.object({ items: z.array(AssignmentResponse) }), {
      body: { units },
      retrySafe: true,
    });
    return res.items;
  }

  /** The assignment config, conditionally: with the last ETag, an unchanged config costs a 304. */
  async config(key: string, etag?: string | null): Promise<ConfigFetch> {
    const res = await this.http.send('GET', path`/v1/experiments/${key}/config`, {
      accept: [304],
      headers: etag ? { 'if-none-match': etag } : {},
    });
    if (res.status === 304) return { config: null, etag: etag ?? null };
    const data: unknown = await res.json();
    return {
      config: this.http.validateResponses ? AssignmentConfigResponse.parse(data) : (data as AssignmentConfigResponse),
      etag: res.headers.get('etag'),
    };
  }

  /** One batch of exposures (up to 10,000); keyed so a retried batch counts once. */
  exposures(key: string, exposures: Exposure[], options: IdempotencyOption = {}) {
    return this.http.json('POST', path`/v1/experiments/${key}/exposures`, IngestResponse, {
      body: { exposures },
      idempotencyKey: keyFor(options),
    });
  }
  /** One batch of metric values per unit (up to 10,000); keyed so a retried batch counts once. */
  events(key: string, events: OutcomeEvent[], options: IdempotencyOption = {}) {
    return this.http.json('POST', path`/v1/experiments/${key}/events`, IngestResponse, {
      body: { events },
      idempotencyKey: keyFor(options),
    });
  }

  /** Background batching of exposures for one experiment (close() it at shutdown). */
  exposureIngestor(key: string, options: IngestorOptions<Exposure> = {}) {
    return new BatchIngestor<Exposure>({ ...options, send: (batch, idempotencyKey) => this.exposures(key, batch, { idempotencyKey }) });
  }
  /** Background batching of outcome events for one experiment (close() it at shutdown). */
  eventIngestor(key: string, options: IngestorOptions<OutcomeEvent> = {}) {
    return new BatchIngestor<OutcomeEvent>({ ...options, send: (batch, idempotencyKey) => this.events(key, batch, { idempotencyKey }) });
  }

  /** In-process assignment for one experiment, identical to the server's (see LocalAssigner). */
  localAssigner(key: string, options: LocalAssignerOptions = {}) {
    return new LocalAssigner(this, key, options);
  }
}
