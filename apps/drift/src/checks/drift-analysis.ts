import { quantileSorted, sortSample } from '@modelyard/stats';
import {
  SEVERITY_RANK,
  type AlertRule,
  type ColumnSpec,
  type DriftReportBody,
  type FeatureDrift,
  type FeatureSpec,
} from '@modelyard/types';
import { CONFIDENCE, LABEL, LATENCY, PREDICTION, SUCCESS, TS, type Columns } from '../window/window.codec.js';
import { runDriftTest, type ReferenceColumn } from './drift-tests.js';
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

  const drifted = features.filter((f) => f.drifted);
  const driftedShare = features.length ? drifted.length / features.length : 0;
  const severity = overallSeverity([...features.map((f) => f.severity), ...(prediction ? [prediction.severity] : [])], driftedShare);
  const all = Array.from({ length: window.n }, (_, i) => i);
  const signals = signalsOf(window, all, reference.get(CONFIDENCE));
  const performance = input.label && input.prediction ? withLabelShare(performanceOf(window, all, input.label.kind), input) : null;
  const rules = evaluateRules(input, window);

  return {
    features,
    prediction,
    performance,
    signals,
    rules,
    severity,
    driftedShare,
    recommendations: recommend(
      severity,
      drifted,
      prediction,
      window.n,
      rules.map((r) => r.message),
    ),
  };
}

function mean(values: number[]): number | null {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : null;
}

function present(column: Float64Array | undefined, rows: readonly number[]): number[] {
  if (!column) return [];
  const out: number[] = [];
  for (const i of rows) if (!Number.isNaN(column[i])) out.push(column[i]!);
  return out;
}

function p95(values: number[]): number | null {
  return values.length ? quantileSorted(sortSample(values), 0.95) : null;
}

function signalsOf(window: Columns, rows: readonly number[], confidenceRef: ReferenceColumn | undefined) {
  const confidence = present(window.values.get(CONFIDENCE) as Float64Array, rows);
  const success = present(window.values.get(SUCCESS) as Float64Array, rows);
  const meanConfidence = mean(confidence);
  let confidenceZ: number | null = null;
  if (meanConfidence !== null && confidenceRef?.kind === 'numeric' && confidenceRef.values.length > 1) {
    const ref = Array.from(confidenceRef.values);
    const m = mean(ref)!;
    const sd = Math.sqrt(ref.reduce((s, v) => s + (v - m) ** 2, 0) / (ref.length - 1));
    // z of the window's mean under the reference distribution (standard error sd/√n).
    if (sd > 0) confidenceZ = (meanConfidence - m) / (sd / Math.sqrt(confidence.length));
  }
  const successRate = mean(success);
  return {
    records: rows.length,
    meanConfidence,
    confidenceZ,
    successRate,
    errorRate: successRate === null ? null : 1 - successRate,
    latencyP95Ms: p95(present(window.values.get(LATENCY) as Float64Array, rows)),
  };
}

/** The labelled share of the window and the delay quantiles of its late labels, beside the metrics. */
function withLabelShare(p: ReturnType<typeof performanceOf>, input: AnalysisInput): DriftReportBody['performance'] {
  if (!p) return null;
  const delays = input.labelDelaysMs?.length ? sortSample(input.labelDelaysMs) : null;
  return {
    ...p,
    labelledShare: input.window.n ? p.labelled / input.window.n : null,
    labelDelayP50Ms: delays ? quantileSorted(delays, 0.5) : null,
    labelDelayP95Ms: delays ? quantileSorted(delays, 0.95) : null,
  };
}

function performanceOf(window: Columns, rows: readonly number[], kind: 'numeric' | 'categorical') {
  const pred = window.values.get(PREDICTION);
  const label = window.values.get(LABEL);
  if (!pred || !label) return null;
  if (kind === 'categorical') {
    const p = pred as (string | null)[];
    const l = label as (string | null)[];
    const labelled = rows.filter((i) => p[i] !== null && l[i] !== null);
    return { labelled: labelled.length, accuracy: mean(labelled.map((i) => (p[i] === l[i] ? 1 : 0))), mae: null, rmse: null };
  }
  const p = pred as Float64Array;
  const l = label as Float64Array;
  const errors = rows.filter((i) => !Number.isNaN(p[i]) && !Number.isNaN(l[i])).map((i) => p[i]! - l[i]!);
  const mse = mean(errors.map((e) => e * e));
  return { labelled: errors.length, accuracy: null, mae: mean(errors.map(Math.abs)), rmse: mse === null ? null : Math.sqrt(mse) };
}

/** Operational rules over the records of the last `windowSeconds` (by their `ts`) that are in the hot window. */
function evaluateRules(input: AnalysisInput, window: Columns) {
  const ts = window.values.get(TS) as Float64Array | undefined;
  return input.rules.flatMap((rule) => {
    const since = input.now - rule.windowSeconds * 1000;
    const rows: number[] = [];
    for (let i = 0; i < window.n; i++) if (ts && ts[i]! >= since) rows.push(i);
    const s = signalsOf(window, rows, undefined);
    const value =
      rule.signal === 'success_rate'
        ? s.successRate
        : rule.signal === 'error_rate'
          ? s.errorRate
          : rule.signal === 'latency_p95_ms'
            ? s.latencyP95Ms
            : rule.signal === 'mean_confidence'
              ? s.meanConfidence
              : input.label?.kind === 'categorical' && input.prediction
                ? (performanceOf(window, rows, 'categorical')?.accuracy ?? null)
                : null;
    if (value === null) return [];
    const fires = rule.condition === '<' ? value < rule.threshold : value > rule.threshold;
    if (!fires) return [];
    const shown = Number(value.toPrecision(4));
    const message = rule.message
      .replaceAll('{monitor}', input.monitorName)
      .replaceAll('{signal}', rule.signal)
      .replaceAll('{value}', String(shown))
      .replaceAll('{condition}', rule.condition)
      .replaceAll('{threshold}', String(rule.threshold));
    return [{ signal: rule.signal, condition: rule.condition, threshold: rule.threshold, value, severity: rule.severity, message }];
  });
}

function recommend(
  severity: DriftReportBody['severity'],
  drifted: FeatureDrift[],
  prediction: FeatureDrift | null,
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
