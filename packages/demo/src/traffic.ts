import { performance } from 'node:perf_hooks';
import type { BatchIngestor, DriftRecordInput, Modelyard, OutcomeEvent } from '@modelyard/sdk';
import type { SampleRow } from '@modelyard/types';
import type { LoopOptions } from './loop.js';
import type { ModelServer } from './models.js';
import { fmt, type Timeline } from './timeline.js';
import type { Labelled, World } from './world.js';

type Wait = <T>(what: string, probe: () => Promise<T | null | undefined>) => Promise<T>;

/**
 * The application side of the loop: requests from the world are scored by a model version, the
 * prediction goes to the drift monitor, and the label (observed later in real life) goes to the
 * learning pipeline, both through the SDK's batching ingestors.
 */
export class Traffic {
  private readonly records: BatchIngestor<DriftRecordInput>;
  private readonly samples: BatchIngestor<SampleRow>;
  // The first error an ingestor reports, boxed: a thrown value need not be an Error, nor truthy.
  private failure: { error: unknown } | null = null;
  private readonly onError = (error: unknown) => {
    this.failure ??= { error };
  };

  constructor(
    private readonly my: Modelyard,
    private readonly world: World,
    private readonly server: ModelServer,
    ids: { monitorId: string; pipelineId: string },
  ) {
    this.records = my.drift.recordIngestor(ids.monitorId, { maxBatchSize: 1_000, onError: this.onError });
    this.samples = my.learning.sampleIngestor(ids.pipelineId, { maxBatchSize: 1_000, onError: this.onError });
  }

  /** Serves one request with `version`; whether its prediction was right. */
  private async respond(request: Labelled, version: string): Promise<boolean> {
    const started = performance.now();
    const p = this.server.score(version, request.x);
    const predicted = p >= 0.5 ? 1 : 0;
    const latencyMs = performance.now() - started;
    await this.samples.add({ ...request.x, y: request.y });
    await this.records.add({
      features: request.x,
      prediction: predicted,
      label: request.y,
      confidence: Math.max(p, 1 - p),
      latencyMs,
      success: true,
    });
    return predicted === request.y;
  }

  /** Serves `n` requests, all with `version`, and waits until every record and sample is stored. */
  async serve(n: number, version: () => string): Promise<{ accuracy: number }> {
    let correct = 0;
    for (let i = 0; i < n; i++) if (await this.respond(this.world.next(), version())) correct++;
    await this.flush();
    return { accuracy: correct / n };
  }

  private async flush(): Promise<void> {
    await Promise.all([this.records.flush(), this.samples.flush()]);
    if (this.failure) throw this.failure.error;
  }

  /**
   * Rounds of traffic split by the SDK's local assignment, a correct prediction being the outcome,
   * until the experiments service concludes (its tick runs every 10 s). Returns the version then
   * in production.
   */
  async runExperiment(key: string, options: LoopOptions, timeline: Timeline, wait: Wait): Promise<string> {
    const experiment = await this.my.experiments.get(key);
    const assigner = await this.my.experiments.localAssigner(key, { refreshIntervalMs: 2_000 }).start();
    const events = this.my.experiments.eventIngestor(key, { maxBatchSize: 1_000, onError: this.onError });
    const deadline = Date.now() + options.stepTimeoutMs;
    try {
      for (let round = 1; ; round++) {
        for (let i = 0; i < options.experimentRound; i++) {
          const request = this.world.next();
          const { version } = await assigner.assign(request.unit);
          if (!version) continue; // the experiment has ended: this request is served outside it
          if (await this.respond(request, version))
            await events.add({ unit: request.unit, metric: 'correct', value: 1 } satisfies OutcomeEvent);
        }
        // Exposures first: an outcome counts for a unit the service has seen exposed.
        await assigner.exposureLog?.flush();
        await events.flush();
        await this.flush();
        const results = await this.my.experiments.results(key);
        const arms = results.variants.map(
          (v) => `${v.key} (v${v.version}) ${v.units} units, ${fmt(v.metrics.correct?.mean ?? null)} correct`,
        );
        const cmp = results.comparisons.find((c) => c.metric === 'correct');
        timeline.info(
          `round ${round}: ${arms.join(' | ')}; lift ${fmt(cmp?.relativeLift ?? null)}, always-valid p ${fmt(cmp?.sequentialPValue ?? null)}`,
        );
        if (results.status === 'concluded' || results.recommendation.action === 'ship') break;
        if (Date.now() > deadline) throw new Error(`experiment ${key} did not reach a decision within ${options.stepTimeoutMs / 1000} s`);
      }
      timeline.info('the sequential test is significant; waiting for the experiments tick to conclude and promote');
      // "Concluded" is recorded before the registry is asked to promote: wait for the outcome.
      await wait(`the conclusion and promotion of experiment ${key}`, async () => {
        const c = (await this.my.experiments.get(key)).conclusion;
        return c && (c.promoted || c.winner === null) ? true : null;
      });
      return (await this.my.registry.versions.production(experiment.model)).version;
    } finally {
      await assigner.close();
      await events.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.records.close(), this.samples.close()]);
  }
}
