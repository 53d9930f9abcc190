import { quantileSorted, sortSample, zTestProportions } from '@modelyard/stats';
import { CONFIDENCE, LATENCY, SUCCESS, type Columns } from '../window/window.codec.js';
import type { ReferenceColumn } from './drift-tests.js';

/** Share of latencies above the reference's p95: 5 % when the latency distribution has not moved. */
const TAIL = 0.05;

interface Moments {
  n: number;
  mean: number;
  sd: number;
}

/**
 * What the reference period says about operations, computed once per check: confidence and latency
 * moments, the latency p95, and the error count (records that reported `success`).
 */
export interface OperationalBaseline {
  confidence: Moments | null;
  latency: (Moments & { p95: number }) | null;
  errors: { errors: number; n: number } | null;
}

export function operationalBaseline(reference: ReadonlyMap<string, ReferenceColumn>): OperationalBaseline {
  const confidence = numeric(reference.get(CONFIDENCE));
  const latency = numeric(reference.get(LATENCY));
  const success = numeric(reference.get(SUCCESS));
  const latencyMoments = latency && moments(latency);
  const errors = success?.length ? success.reduce((s, v) => s + (v > 0 ? 0 : 1), 0) : null;
  return {
    confidence: confidence && moments(confidence),
    latency: latencyMoments && { ...latencyMoments, p95: quantileSorted(sortSample(Array.from(latency!)), 1 - TAIL) },
    errors: errors === null ? null : { errors, n: success!.length },
  };
}

export interface OperationalSignalsOf {
  records: number;
  meanConfidence: number | null;
  confidenceZ: number | null;
  successRate: number | null;
  errorRate: number | null;
  errorRateZ: number | null;
  meanLatencyMs: number | null;
  latencyMeanZ: number | null;
  latencyP95Ms: number | null;
  latencyP95Z: number | null;
}

/**
 * The window's operational signals and, where the reference period has the same column, how unusual
 * each is against it as a z-score (so a rule can say "3 standard errors worse" instead of a fixed
 * number of milliseconds):
 * - means (confidence, latency): (mean − reference mean) / (reference sd / √n);
 * - error rate: the pooled two-proportion z of window errors against reference errors;
 * - latency p95: the share of window latencies above the reference p95 against the 5 % expected,
 *   z = (share − 0.05) / √(0.05·0.95 / n) — the binomial test of a quantile, free of any
 *   assumption about the latency distribution's shape.
 */
export function operationalSignals(window: Columns, rows: readonly number[], base: OperationalBaseline): OperationalSignalsOf {
  const confidence = present(window.values.get(CONFIDENCE), rows);
  const latency = present(window.values.get(LATENCY), rows);
  const success = present(window.values.get(SUCCESS), rows);
  const meanConfidence = mean(confidence);
  const meanLatencyMs = mean(latency);
  const successRate = mean(success);
  const errors = success.reduce((s, v) => s + (v > 0 ? 0 : 1), 0);
  const errorRateZ = base.errors && success.length ? zTestProportions(errors, success.length, base.errors.errors, base.errors.n).z : null;
  const above = base.latency ? latency.reduce((s, v) => s + (v > base.latency!.p95 ? 1 : 0), 0) : 0;
  return {
    records: rows.length,
    meanConfidence,
    confidenceZ: meanZ(meanConfidence, confidence.length, base.confidence),
    successRate,
    errorRate: successRate === null ? null : 1 - successRate,
    errorRateZ,
    meanLatencyMs,
    latencyMeanZ: meanZ(meanLatencyMs, latency.length, base.latency),
    latencyP95Ms: latency.length ? quantileSorted(sortSample(latency), 0.95) : null,
    latencyP95Z: base.latency && latency.length ? (above / latency.length - TAIL) / Math.sqrt((TAIL * (1 - TAIL)) / latency.length) : null,
  };
}

function meanZ(value: number | null, n: number, ref: Moments | null): number | null {
  if (value === null || !ref || ref.sd === 0) return null;
  return (value - ref.mean) / (ref.sd / Math.sqrt(n));
}

function numeric(column: ReferenceColumn | undefined): Float64Array | null {
  return column?.kind === 'numeric' && column.values.length ? column.values : null;
}

/** Mean and sample standard deviation; null below two values (no spread to compare against). */
function moments(values: Float64Array): Moments | null {
  if (values.length < 2) return null;
  let sum = 0;
  for (const v of values) sum += v;
  const m = sum / values.length;
  let ss = 0;
  for (const v of values) ss += (v - m) ** 2;
  return { n: values.length, mean: m, sd: Math.sqrt(ss / (values.length - 1)) };
}

function mean(values: number[]): number | null {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : null;
}

function present(column: Float64Array | readonly (string | null)[] | undefined, rows: readonly number[]): number[] {
  if (!(column instanceof Float64Array)) return [];
  const out: number[] = [];
  for (const i of rows) if (!Number.isNaN(column[i])) out.push(column[i]!);
  return out;
}
