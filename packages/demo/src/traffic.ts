import type { Modelyard, OutcomeEvent } from '@modelyard/sdk';
import type { FeedbackBody, PredictResponse } from '@modelyard/types';
import type { LoopOptions } from './loop.js';
import { fmt, type Timeline } from './timeline.js';
import type { Labelled, World } from './world.js';

type Wait = <T>(what: string, probe: () => Promise<T | null | undefined>) => Promise<T>;

/** Instances per predict call outside the experiment (serving takes up to 10,000). */
const PREDICT_BATCH = 250;
/** Labels per feedback call. */
const FEEDBACK_BATCH = 1_000;
/** Concurrent single-unit predict calls during the experiment. */
const UNIT_CONCURRENCY = 8;

export interface LoopTargets {
  model: string;
  monitorId: string;
  pipelineId: string;
}

/** Runs `work` over `items` with at most `limit` in flight, answers in order. */
async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const chunks = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * The application side of the loop, with no model code of its own: requests from the world are
 * scored by the serving service (which sends every prediction to the drift monitor and routes
 * units to the experiment's variants), and the labels, observed later in real life, go back
 * through serving's feedback route (to the monitor, and as samples to the learning pipeline).
 */
export class Traffic {
  constructor(
    private readonly my: Modelyard,
    private readonly world: World,
    private readonly targets: LoopTargets,
    private readonly wait: Wait,
  ) {}

  /** Serves `n` requests with production, then sends their labels; resolves once both arrived. */
  async serve(n: number): Promise<{ accuracy: number }> {
    const before = await this.records();
    const requests = this.world.batch(n);
    const answers: PredictResponse[] = [];
    for (const batch of chunks(requests, PREDICT_BATCH)) {
      answers.push(await this.my.serving.predict(this.targets.model, { instances: batch.map((r) => r.x) }));
    }
    const predictions = answers.flatMap((a) => a.predictions.map((p, i) => ({ predicted: Number(p), id: a.predictionIds[i]! })));
    const correct = predictions.filter((p, i) => p.predicted === requests[i]!.y).length;
    await this.label(
      requests,
      predictions.map((p) => p.id),
      before,
    );
    return { accuracy: correct / n };
  }

  /** Records the monitor has received so far. */
  private async records(): Promise<number> {
    return (await this.my.drift.monitors.get(this.targets.monitorId)).recordsIngested;
  }

  /**
   * Labels for predictions made since the monitor held `recordsBefore` records. Serving hands
   * predictions to the monitor in the background, and labels join records the monitor holds: wait
   * until it holds them all first. Serving queues each label's sample for the learning pipeline.
   */
  private async label(requests: Labelled[], predictionIds: string[], recordsBefore: number): Promise<void> {
    const { model } = this.targets;
    await this.wait('the predictions in the drift monitor', async () =>
      (await this.records()) >= recordsBefore + requests.length ? true : null,
    );
    const items: FeedbackBody['items'] = requests.map((r, i) => ({ predictionId: predictionIds[i]!, label: r.y }));
    for (const batch of chunks(items, FEEDBACK_BATCH)) {
      const answer = await this.my.serving.feedback(model, batch);
      if (answer.unknown > 0 || answer.forwarded.pipelines !== batch.length) {
        throw new Error(
          `serving forwarded ${answer.forwarded.pipelines} of ${batch.length} labels (${answer.unknown} unknown predictions)`,
        );
      }
    }
  }

  /**
   * Rounds of traffic, each request with its unit id so serving routes it to the experiment's
   * variant (and records the exposure), a correct prediction being the outcome, until the
   * experiments service concludes (its tick runs every 10 s). Returns the version then in production.
   */
  async runExperiment(key: string, options: LoopOptions, timeline: Timeline): Promise<string> {
    const { model } = this.targets;
    await this.wait(`serving to route experiment ${key}`, async () =>
      (await this.my.serving.model(model)).experiments.some((e) => e.key === key && e.routing) ? true : null,
    );
    const events = this.my.experiments.eventIngestor(key, { maxBatchSize: 1_000 });
    const deadline = Date.now() + options.stepTimeoutMs;
    try {
      for (let round = 1; ; round++) {
        const before = await this.records();
        const requests = this.world.batch(options.experimentRound);
        const answers = await mapLimit(requests, UNIT_CONCURRENCY, (r) =>
          this.my.serving.predict(model, { instances: [r.x], unit: r.unit }),
        );
        for (const [i, a] of answers.entries()) {
          // Answered outside the experiment (it has just ended): no outcome to record.
          if (a.experiment !== key) continue;
          if (Number(a.predictions[0]) === requests[i]!.y)
            await events.add({ unit: requests[i]!.unit, metric: 'correct', value: 1 } satisfies OutcomeEvent);
        }
        await events.flush();
        await this.label(
          requests,
          answers.map((a) => a.predictionIds[0]!),
          before,
        );
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
      await this.wait(`the conclusion and promotion of experiment ${key}`, async () => {
        const c = (await this.my.experiments.get(key)).conclusion;
        return c && (c.promoted || c.winner === null) ? true : null;
      });
      return (await this.my.registry.versions.production(model)).version;
    } finally {
      await events.close();
    }
  }
}
