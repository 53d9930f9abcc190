import type { AlertRule, ColumnSpec, FeatureQuality } from '@modelyard/types';
import { INVALID, TS, type Columns } from '../window/window.codec.js';
import { featureQuality, invalidByFeature, type QualityBaseline } from './data-quality.js';
import type { OperationalSignalsOf } from './operational-signals.js';
import { performanceOf } from './performance.js';

export interface RulesInput {
  monitorName: string;
  rules: AlertRule[];
  prediction: ColumnSpec | null;
  label: ColumnSpec | null;
  window: Columns;
  now: number;
  /** Per feature name: what its data quality is measured against. */
  baselines: Map<string, QualityBaseline>;
  signalsOf: (rows: readonly number[]) => OperationalSignalsOf;
  /** CBPE over the rows, when the monitor's reference calibrates one. */
  estimate: (rows: readonly number[]) => { accuracy: number; referenceAccuracy: number } | null;
}

const QUALITY_VALUE = new Map<AlertRule['signal'], (q: FeatureQuality) => number | null>([
  ['missing_share', (q) => q.missingShare],
  ['type_violation_share', (q) => q.typeViolationShare],
  ['out_of_range_share', (q) => q.outOfRangeShare],
  ['unseen_category_share', (q) => q.unseenCategoryShare],
]);

/**
 * Rules over the records of the last `windowSeconds` (by their `ts`) that are in the hot window:
 * operational signals, accuracy, and data-quality shares of one feature. A rule fires when its
 * value is known and beyond its threshold.
 */
export function evaluateRules(input: RulesInput) {
  const { window } = input;
  const ts = window.values.get(TS) as Float64Array | undefined;
  return input.rules.flatMap((rule) => {
    const since = input.now - rule.windowSeconds * 1000;
    const rows: number[] = [];
    for (let i = 0; i < window.n; i++) if (ts && ts[i]! >= since) rows.push(i);
    const value = ruleValue(input, rule, rows);
    if (value === null) return [];
    const fires = rule.condition === '<' ? value < rule.threshold : value > rule.threshold;
    if (!fires) return [];
    const shown = Number(value.toPrecision(4));
    const message = rule.message
      .replaceAll('{monitor}', input.monitorName)
      .replaceAll('{signal}', rule.signal)
      .replaceAll('{feature}', rule.feature ?? '')
      .replaceAll('{value}', String(shown))
      .replaceAll('{condition}', rule.condition)
      .replaceAll('{threshold}', String(rule.threshold));
    const { signal, condition, threshold, severity } = rule;
    return [{ signal, feature: rule.feature ?? null, condition, threshold, value, severity, message }];
  });
}

const OPERATIONAL_VALUE = new Map<AlertRule['signal'], (s: OperationalSignalsOf) => number | null>([
  ['success_rate', (s) => s.successRate],
  ['error_rate', (s) => s.errorRate],
  ['latency_p95_ms', (s) => s.latencyP95Ms],
  ['mean_confidence', (s) => s.meanConfidence],
  ['confidence_z', (s) => s.confidenceZ],
  ['error_rate_z', (s) => s.errorRateZ],
  ['latency_mean_z', (s) => s.latencyMeanZ],
  ['latency_p95_z', (s) => s.latencyP95Z],
]);

function ruleValue(input: RulesInput, rule: AlertRule, rows: number[]): number | null {
  const quality = QUALITY_VALUE.get(rule.signal);
  if (quality) {
    const baseline = rule.feature === undefined ? undefined : input.baselines.get(rule.feature);
    if (!baseline || !rows.length) return null;
    const invalid = invalidByFeature(input.window.values.get(INVALID), rows).get(baseline.spec.name);
    return quality(featureQuality(baseline, input.window.values.get(baseline.spec.name), rows, invalid));
  }
  if (rule.signal === 'estimated_accuracy_drop') {
    const e = rows.length ? input.estimate(rows) : null;
    return e ? e.referenceAccuracy - e.accuracy : null;
  }
  if (rule.signal === 'accuracy') {
    if (input.label?.kind !== 'categorical' || !input.prediction) return null;
    return performanceOf(input.window, rows, input.label)?.accuracy ?? null;
  }
  const s = input.signalsOf(rows);
  const operational = OPERATIONAL_VALUE.get(rule.signal);
  return operational ? operational(s) : null;
}
