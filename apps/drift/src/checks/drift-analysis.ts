import { quantileSorted, sortSample } from '@modelyard/stats';
import {
  SEVERITY_RANK,
  type AlertRule,
  type ColumnSpec,
  type DriftReportBody,
  type FeatureDrift,
  type FeatureQuality,
  type FeatureSpec,
} from '@modelyard/types';
import { INVALID, PREDICTION, type Columns } from '../window/window.codec.js';
import { evaluateRules } from './alert-rules.js';
import { featureQuality, invalidByFeature, qualityBaseline } from './data-quality.js';
import { runDriftTest, type ReferenceColumn } from './drift-tests.js';
import { estimatePerformance, estimatorOf } from './estimated-performance.js';
import { performanceOf, type Performance } from './performance.js';
import { operationalBaseline, operationalSignals } from './operational-signals.js';
import { overallSeverity } from './severity.js';

export interface AnalysisInput {
  monitorName: string;
  features: FeatureSpec[];
  prediction: ColumnSpec | null;
  label: ColumnSpec | null;
  rules: AlertRule[];
  /** By column name: feature names, `$prediction`, `$confidence`. */
  reference: Map<string, ReferenceColumn>;
  window: Columns;
  now: number;
  /** Delays of the labels joined after ingestion (label arrival − record ts), ms. */
  labelDelaysMs?: number[];
}

/** A check of one window against the reference: the report body (no I/O; the worker persists it). */
export function analyse(input: AnalysisInput): DriftReportBody {
  const { window, reference } = input;
  const features: FeatureDrift[] = [];
  for (const spec of input.features) {
    const ref = reference.get(spec.name);
    const cur = window.values.get(spec.name);
    const result = ref && cur ? runDriftTest(spec, ref, cur) : null;
    if (result) features.push(result);
  }
  const predRef = reference.get(PREDICTION);
  const predCur = window.values.get(PREDICTION);
  const prediction =
    input.prediction && predRef && predCur
      ? runDriftTest({ name: input.prediction.name, kind: input.prediction.kind, test: 'auto' }, predRef, predCur)
      : null;

  const baselines = new Map(input.features.map((spec) => [spec.name, qualityBaseline(spec, reference.get(spec.name))]));
  const invalid = invalidByFeature(window.values.get(INVALID), null);
  const quality = input.features.map((spec) =>
    featureQuality(baselines.get(spec.name)!, window.values.get(spec.name), null, invalid.get(spec.name)),
  );

  // A feature drifted when its distribution or its missing share changed; the share is of the features judged.
  const drifted = features.filter((f) => f.drifted);
  const missingDrifted = quality.filter((q) => q.missingTest?.drifted);
  const judged = new Set([...features.map((f) => f.name), ...quality.filter((q) => q.missingTest).map((q) => q.name)]);
  const driftedNames = new Set([...drifted.map((f) => f.name), ...missingDrifted.map((q) => q.name)]);
  const driftedShare = judged.size ? driftedNames.size / judged.size : 0;
  const severities = [
    ...features.map((f) => f.severity),
    ...quality.map((q) => q.missingTest?.severity ?? 'none'),
    ...(prediction ? [prediction.severity] : []),
  ];
  const severity = overallSeverity(severities, driftedShare);
  const all = Array.from({ length: window.n }, (_, i) => i);
  const baseline = operationalBaseline(reference);
  const signals = operationalSignals(window, all, baseline);
  const estimator = input.label && input.prediction ? estimatorOf(input.label, reference) : null;
  const estimate = (rows: readonly number[]) => (estimator ? estimatePerformance(estimator, window, rows) : null);
  const performance =
    input.label && input.prediction ? withLabelShare(performanceOf(window, all, input.label), input, estimate(all)) : null;
  const signalsOfRows = (rows: readonly number[]) => operationalSignals(window, rows, baseline);
  const rules = evaluateRules({ ...input, baselines, signalsOf: signalsOfRows, estimate });

  return {
    features,
    prediction,
    performance,
    signals,
    quality,
    rules,
    severity,
    driftedShare,
    recommendations: recommend(
      severity,
      drifted,
      prediction,
      quality,
      window.n,
      rules.map((r) => r.message),
    ),
  };
}

/** The labelled share of the window and the delay quantiles of its late labels, beside the metrics. */
function withLabelShare(
  p: Performance | null,
  input: AnalysisInput,
  estimated: ReturnType<typeof estimatePerformance>,
): DriftReportBody['performance'] {
  if (!p) return null;
  const delays = input.labelDelaysMs?.length ? sortSample(input.labelDelaysMs) : null;
  return {
    ...p,
    labelledShare: input.window.n ? p.labelled / input.window.n : null,
    labelDelayP50Ms: delays ? quantileSorted(delays, 0.5) : null,
    labelDelayP95Ms: delays ? quantileSorted(delays, 0.95) : null,
    estimated,
  };
}

const percent = (share: number | null) => (share === null ? 'n/a' : `${(share * 100).toFixed(1)} %`);

function recommend(
  severity: DriftReportBody['severity'],
  drifted: FeatureDrift[],
  prediction: FeatureDrift | null,
  quality: FeatureQuality[],
  records: number,
  ruleMessages: string[],
): string[] {
  const out: string[] = [];
  if (records < 100)
    out.push(`The window holds only ${records} records: results are noisy; wait for more data or lower the schedule frequency.`);
  if (drifted.length) {
    const top = [...drifted]
      .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity])
      .slice(0, 5)
      .map((f) => `${f.name} (${f.test})`);
    out.push(`Investigate the upstream data of the drifted feature(s): ${top.join(', ')}.`);
  }
  for (const q of quality) {
    if (q.missingTest?.drifted)
      out.push(
        `The missing share of ${q.name} moved from ${percent(q.referenceMissingShare)} to ${percent(q.missingShare)}: check what feeds it.`,
      );
    if (q.typeViolations)
      out.push(`${q.typeViolations} value(s) of ${q.name} had the wrong type and were left out of the statistics: fix the producer.`);
  }
  if (prediction?.drifted)
    out.push('The prediction distribution shifted: compare recent outcomes with the reference period before trusting the model.');
  if (SEVERITY_RANK[severity] >= SEVERITY_RANK.high)
    out.push('Retrain the model on recent data (or trigger the linked learning pipeline) and validate it before promotion.');
  else if (SEVERITY_RANK[severity] >= SEVERITY_RANK.medium)
    out.push('Watch the next checks; consider refreshing the reference if the shift is expected.');
  for (const m of ruleMessages) out.push(`Operational: ${m}.`);
  if (!out.length) out.push('No drift detected: no action needed.');
  return out;
}
