import { collect, ModelyardError, type Modelyard } from '@modelyard/sdk';
import type { ReportResponse, UpdateEntry } from '@modelyard/types';
import { fmt, Timeline } from './timeline.js';
import { Traffic } from './traffic.js';
import { until } from './until.js';
import { FEATURES, World } from './world.js';

export interface LoopOptions {
  seed: number;
  /** Registered model name; a fresh one per run by default, so runs never collide. */
  model?: string;
  /** Labelled samples the pipeline learns v1 from. */
  trainSamples: number;
  /** Requests served before the world drifts; they become the drift reference. */
  beforeDrift: number;
  /** Requests served after the drift, before waiting for the monitor to notice. */
  afterDrift: number;
  /** Requests per round of the champion/challenger experiment. */
  experimentRound: number;
  /** The monitor's scheduled check interval. */
  checkEverySeconds: number;
  /** Longest wait for any one step (a check, an update, the conclusion). */
  stepTimeoutMs: number;
}

/** What `pnpm demo` runs. */
export const FULL_LOOP: LoopOptions = {
  seed: 7,
  trainSamples: 6_000,
  beforeDrift: 4_000,
  afterDrift: 8_000,
  experimentRound: 1_000,
  checkEverySeconds: 5,
  stepTimeoutMs: 120_000,
};

/** The same loop with less traffic, for CI. */
export const SHORT_LOOP: LoopOptions = {
  ...FULL_LOOP,
  trainSamples: 2_500,
  beforeDrift: 1_500,
  afterDrift: 3_000,
  experimentRound: 400,
};

export interface LoopResult {
  model: string;
  v1: string;
  v2: string;
  experiment: string;
  driftReport: ReportResponse;
  retrain: UpdateEntry;
  production: string;
  auditActions: string[];
}

const HOLDOUT = 300;

/**
 * Drift → retraining → new version → champion/challenger experiment → promotion, driven through
 * the SDK against running services, printing a timeline of what each service did.
 */
export async function runLoop(my: Modelyard, options: LoopOptions, timeline = new Timeline()): Promise<LoopResult> {
  const model = options.model ?? `churn-${Date.now().toString(36)}`;
  const world = new World(options.seed);
  const wait = <T>(what: string, probe: () => Promise<T | null | undefined>) => until(what, probe, options.stepTimeoutMs);

  timeline.step(`Registry: model "${model}"`);
  await my.registry.models.create({ name: model, description: 'Churn risk, learned online (Modelyard loop demo)', tags: ['demo'] });

  timeline.step('Learning: pipeline with an FTRL logistic regression, gated on accuracy');
  const pipeline = await my.learning.pipelines.create({
    name: `${model}-online`,
    model,
    learner: {
      type: 'logistic_regression',
      optimizer: 'ftrl',
      hyperparameters: { alpha: 0.2, beta: 1, l1: 0.0005, l2: 0.0001, dim: 1024 },
    },
    features: FEATURES.map((name) => ({ name, kind: 'numeric' as const })),
    target: 'y',
    // Updates run when asked, on drift, and otherwise once a day.
    strategy: 'periodic',
    schedule: { everySeconds: 86_400 },
    minSamples: Math.floor(options.trainSamples / 2),
    maxBuffer: 50_000,
    gate: { metric: 'accuracy', direction: 'higher', tolerance: 0.01, holdout: HOLDOUT },
    register: { stage: 'staging', startExperiment: true, experimentMetric: 'correct', autoPromote: true },
    onDrift: 'reset',
  });
  timeline.info(
    `pipeline ${pipeline.name}: strategy periodic, gate accuracy ≥ production − 0.01 on the last ${HOLDOUT} samples, onDrift reset`,
  );

  const samples = my.learning.sampleIngestor(pipeline.id, { maxBatchSize: 1_000 });
  await samples.addMany(world.batch(options.trainSamples).map((s) => ({ ...s.x, y: s.y })));
  await samples.flush();
  timeline.info(`${options.trainSamples} labelled samples sent`);
  await my.learning.pipelines.trigger(pipeline.id);
  const first = await wait('the first update', async () =>
    (await collect(my.learning.pipelines.historyAll(pipeline.id))).find((u) => u.outcome === 'registered' || u.outcome === 'rejected'),
  );
  if (first.outcome !== 'registered' || !first.version) throw new Error(`the first update was ${first.outcome}: ${first.detail ?? ''}`);
  const v1 = first.version;
  timeline.info(
    `v${v1} registered in staging: learned ${first.samples} samples, progressive accuracy ${fmt(first.metricsAfter.accuracy)}, log loss ${fmt(first.metricsAfter.log_loss)}`,
  );

  timeline.step(`Registry: v${v1} promoted to production`);
  await my.registry.lifecycle.promote(model, v1, { reason: 'first model of the pipeline' });

  timeline.step('Drift: monitor on the five features and the predicted class, linked to the pipeline');
  const monitor = await my.drift.monitors.create({
    name: `${model}-monitor`,
    model,
    features: FEATURES.map((name) => ({ name, kind: 'numeric' as const })),
    prediction: { name: 'class', kind: 'categorical' },
    label: { name: 'y', kind: 'categorical' },
    window: { size: options.beforeDrift },
    schedule: { everySeconds: options.checkEverySeconds },
    alerting: { minSeverity: 'medium', cooldownSeconds: 3_600 },
    retrain: { pipelineId: pipeline.id, minSeverity: 'high' },
  });
  timeline.info(
    `monitor checks its last ${options.beforeDrift} records every ${options.checkEverySeconds} s; severity ≥ high retrains ${pipeline.name}`,
  );

  const traffic = new Traffic(my, world, { model, monitorId: monitor.id, pipelineId: pipeline.id }, wait);
  await wait(`the serving service to answer with v${v1}`, async () => ((await servedProduction(my, model)) === v1 ? true : null));
  timeline.step(
    `Traffic: ${options.beforeDrift} requests predicted by v${v1} through the serving service (predictions to the monitor, labels to the monitor and the pipeline)`,
  );
  const before = await traffic.serve(options.beforeDrift);
  timeline.info(`accuracy of v${v1}: ${fmt(before.accuracy)}`);
  const reference = await my.drift.reference.fromWindow(monitor.id);
  timeline.info(`drift reference frozen from this window: ${reference.rows} records`);

  timeline.step('The world drifts: x0 moves by 1.5 sd and its effect on churn flips');
  world.drift();
  const after = await traffic.serve(options.afterDrift);
  timeline.info(`${options.afterDrift} requests; accuracy of v${v1} is now ${fmt(after.accuracy)}`);

  timeline.step('Drift: a scheduled check finds the drift and triggers retraining');
  const report = await wait('a drift report that triggers retraining', async () =>
    (await my.drift.reports.list(monitor.id, { limit: 20 })).items.find((r) => r.retrainTriggered),
  );
  timeline.lines(reportLines(report));

  timeline.step('Learning: the retrain job resets the learner on the buffered samples; the gate compares it with production');
  const retrain = await wait('the drift-triggered update', async () =>
    (await collect(my.learning.pipelines.historyAll(pipeline.id))).find(
      (u) => u.reason === 'drift' && (u.outcome === 'registered' || u.outcome === 'rejected'),
    ),
  );
  const gate = retrain.gate;
  timeline.info(
    `learned ${retrain.samples} samples; holdout accuracy: candidate ${fmt(gate?.candidate)} vs production v${v1} ${fmt(gate?.production)} → ${gate?.passed ? 'passed' : 'refused'}`,
  );
  if (retrain.outcome !== 'registered' || !retrain.version || !retrain.experimentKey)
    throw new Error(`the retraining was ${retrain.outcome}: ${retrain.detail ?? gate?.reason ?? ''}`);
  const v2 = retrain.version;
  const experiment = retrain.experimentKey;
  timeline.info(
    `v${v2} registered in staging; experiment "${experiment}" started: v${v1} (control) vs v${v2} (challenger), 50/50, sequential, auto-promote`,
  );

  timeline.step('Experiments: the serving service routes each unit to its variant; correct predictions recorded as outcomes');
  const production = await traffic.runExperiment(experiment, options, timeline);

  timeline.step(`Registry: production is now v${production}`);
  const concluded = await my.experiments.get(experiment);
  const c = concluded.conclusion;
  timeline.info(`conclusion: winner ${c?.winner ?? 'none'}, promoted ${c?.promoted ? 'yes' : 'no'} — ${c?.recommendation.reason ?? ''}`);

  timeline.step('Audit log of the model, every service merged');
  const audit = (await collect(my.registry.auditAll({ model }))).reverse();
  timeline.lines(
    audit.map(
      (e) =>
        `${e.at.slice(11, 19)}  ${e.service.padEnd(11)} ${e.action.padEnd(30)} ${e.target.padEnd(30)} by ${e.actor}${e.reason ? `  (${e.reason})` : ''}`,
    ),
  );
  return { model, v1, v2, experiment, driftReport: report, retrain, production, auditActions: audit.map((e) => e.action) };
}

/** The version serving answers the model's production calls with; null until it serves the model. */
async function servedProduction(my: Modelyard, model: string): Promise<string | null> {
  try {
    return (await my.serving.model(model)).production;
  } catch (err) {
    if (err instanceof ModelyardError && err.status === 404) return null;
    throw err;
  }
}

function reportLines(r: ReportResponse): string[] {
  const rows = [...r.features, ...(r.prediction ? [{ ...r.prediction, name: `${r.prediction.name} (prediction)` }] : [])];
  return [
    `${r.trigger === 'schedule' ? 'scheduled' : 'on-demand'} check at ${r.createdAt.slice(11, 19)} of the window ending at record #${r.windowSeq} (${r.windowRecords} records vs ${r.referenceRows} reference)`,
    `severity ${r.severity}, ${fmt(r.driftedShare * 100, 0)}% of features drifted, retraining triggered: ${r.retrainTriggered ? 'yes' : 'no'}`,
    `${'feature'.padEnd(20)}${'test'.padEnd(13)}${'statistic'.padEnd(11)}${'p-value'.padEnd(11)}severity`,
    ...rows.map(
      (f) =>
        `${f.name.padEnd(20)}${f.test.padEnd(13)}${fmt(f.statistic).padEnd(11)}${fmt(f.pValue).padEnd(11)}${f.drifted ? f.severity : '—'}`,
    ),
    ...(r.performance?.accuracy !== null && r.performance?.accuracy !== undefined
      ? [`accuracy on the labelled window: ${fmt(r.performance.accuracy)}`]
      : []),
    ...r.recommendations.slice(0, 2).map((text) => `→ ${text}`),
  ];
}
