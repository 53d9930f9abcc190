import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, ServiceCredential, type PlatformConfig } from '@modelyard/platform';
import { ExperimentsClient, HttpClient, type BatchIngestor, type BatchIngestorOptions, type Exposure } from '@modelyard/sdk';
import type { AssignmentResponse, ExperimentResponse } from '@modelyard/types';
import type { RunningExperiment } from './running-experiment.js';

/**
 * Listing experiments: one attempt. It is repeated every SERVING_EXPERIMENTS_POLL_SECONDS anyway
 * (a failure keeps the known ones), and the full reconcile waits for it: retrying an unreachable
 * service would hold every model's reconcile back.
 */
const LIST = { timeoutMs: 5_000, retry: { maxAttempts: 1 } };
/** Exposures: background work, patient (the batching ingestor retries each batch on top). */
const INGEST = { timeoutMs: 10_000, retry: { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 } };
/**
 * Assigning units: on a prediction's path, so short. A lookup that still fails answers with
 * production (ExperimentRouter), which beats holding the caller for seconds.
 */
const ASSIGN = { timeoutMs: 2_000, retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 200 } };

const toRunning = (e: ExperimentResponse): RunningExperiment => ({
  id: e.id,
  key: e.key,
  model: e.model,
  startedAt: e.startedAt ?? e.createdAt,
  variants: e.variants.map((v) => ({ key: v.key, version: v.version })),
});

/**
 * What serving asks the experiments service, through its REST API via the SDK, with this service's
 * credential: running experiments, units' sticky assignments, and exposures (batched).
 */
@Injectable()
export class ExperimentsSource {
  private readonly listing: ExperimentsClient;
  private readonly assigning: ExperimentsClient;
  private readonly ingesting: ExperimentsClient;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig, @Inject(ServiceCredential) credential: ServiceCredential) {
    const client = (o: { timeoutMs: number; retry: { maxAttempts: number } }) =>
      new ExperimentsClient(new HttpClient({ ...credential.clientOptions(), baseUrl: config.urls.experiments, ...o }));
    this.listing = client(LIST);
    this.assigning = client(ASSIGN);
    this.ingesting = client(INGEST);
  }

  /** The running experiments, of one model or of all. */
  async running(model?: string): Promise<RunningExperiment[]> {
    const found: RunningExperiment[] = [];
    for await (const e of this.listing.all({ status: 'running', limit: 200, ...(model ? { model } : {}) })) {
      if (e.status === 'running') found.push(toRunning(e));
    }
    return found;
  }

  /** The server's sticky assignment of up to 1000 units (first assignments are recorded there). */
  assign(key: string, units: string[]): Promise<AssignmentResponse[]> {
    return this.assigning.assignMany(key, units);
  }

  exposureLog(key: string, options: Omit<BatchIngestorOptions<Exposure>, 'send'>): BatchIngestor<Exposure> {
    return this.ingesting.exposureIngestor(key, options);
  }
}
