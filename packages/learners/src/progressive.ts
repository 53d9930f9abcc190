/**
 * Progressive validation ("test-then-train", Blum, Kalai & Langford 1999; Gama et al. 2013 call it
 * prequential evaluation): each sample is predicted before the model learns from it, so every
 * prediction is on data the model has not seen and no hold-out set is needed.
 *
 * Label delay d: in production a label arrives after later samples have already been predicted.
 * Sample t is predicted when it arrives; its label is revealed when sample t + d arrives (after that
 * sample has been predicted), and only then are the metrics updated with the prediction made at
 * arrival and the model taught (x_t, y_t). d = 0 is plain test-then-train. `flush()` reveals what is
 * still pending, which `progressiveValidation` does at the end of the stream.
 *
 * The metrics receive predictProbaOne(x) for classifiers and predictOne(x) for regressors.
 */
import { F64, floor } from './globals.js';
import { decodeFloats, encodeFloats, type EncodedFloats } from './float-codec.js';
import type { FeatureRecord } from './hash.js';
import type { Features } from './linear-model.js';
import { metricFromJSON, type Metric, type MetricState } from './metrics.js';
import type { OnlineLearner } from './online-learner.js';

export interface Sample<X extends Features = Features> {
  readonly x: X;
  readonly y: number;
}

export interface ProgressiveOptions {
  /** Labels are revealed `delay` samples after their input. Default 0. */
  delay?: number;
}

interface Pending {
  x: Features;
  y: number;
  prediction: number;
}

export interface ProgressiveState {
  delay: number;
  revealed: number;
  metrics: MetricState[];
  pending: { x: { dense: EncodedFloats } | { record: FeatureRecord }; y: number; prediction: number }[];
}

/** Metric values keyed by name, with `@window` appended for windowed metrics (`accuracy@1000`). */
export type MetricValues = Record<string, number>;

export function metricKey(m: Metric): string {
  return m.window === null ? m.name : `${m.name}@${m.window}`;
}

function predictForMetrics(model: OnlineLearner, x: Features): number {
  const proba = (model as Partial<{ predictProbaOne(x: Features): number }>).predictProbaOne;
  return proba ? proba.call(model, x) : model.predictOne(x);
}

export class ProgressiveValidator<M extends OnlineLearner = OnlineLearner> {
  readonly delay: number;
  /** Samples whose label has been revealed (metrics updated and learned). */
  revealed = 0;
  // FIFO of samples waiting for their label; `first` is the head, compacted when half is spent.
  private queue: Pending[] = [];
  private first = 0;

  constructor(
    readonly model: M,
    readonly metrics: Metric[],
    options: ProgressiveOptions = {},
  ) {
    const delay = options.delay ?? 0;
    if (!Number.isInteger(delay) || delay < 0) throw new RangeError(`delay must be a non-negative integer, got ${delay}`);
    this.delay = delay;
  }

  get pending(): number {
    return this.queue.length - this.first;
  }

  /** Predicts the sample, then reveals every label whose delay has passed. */
  process(sample: Sample): void {
    this.queue.push({ x: sample.x, y: sample.y, prediction: predictForMetrics(this.model, sample.x) });
    while (this.pending > this.delay) this.revealNext();
  }

  /** Reveals all pending labels (end of stream). */
  flush(): void {
    while (this.pending > 0) this.revealNext();
  }

  values(): MetricValues {
    const out: MetricValues = {};
    for (const m of this.metrics) out[metricKey(m)] = m.get();
    return out;
  }

  /** Metric state and the pending samples; the model is saved separately with its own toJSON(). */
  toJSON(): ProgressiveState {
    return {
      delay: this.delay,
      revealed: this.revealed,
      metrics: this.metrics.map((m) => m.toJSON()),
      pending: this.queue.slice(this.first).map((p) => ({
        x: p.x instanceof F64 ? { dense: encodeFloats(p.x) } : { record: p.x },
        y: p.y,
        prediction: p.prediction,
      })),
    };
  }

  static fromJSON<M extends OnlineLearner>(state: ProgressiveState, model: M): ProgressiveValidator<M> {
    const v = new ProgressiveValidator(model, state.metrics.map(metricFromJSON), { delay: state.delay });
    v.revealed = state.revealed;
    v.queue = state.pending.map((p) => ({
      x: 'dense' in p.x ? decodeFloats(p.x.dense) : p.x.record,
      y: p.y,
      prediction: p.prediction,
    }));
    return v;
  }

  private revealNext(): void {
    const p = this.queue[this.first]!;
    this.queue[this.first++] = undefined as unknown as Pending;
    if (this.first * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.first);
      this.first = 0;
    }
    for (const m of this.metrics) m.update(p.y, p.prediction);
    this.model.learnOne(p.x, p.y);
    this.revealed++;
  }
}

export interface ProgressiveResult {
  samples: number;
  metrics: MetricValues;
  /** Metric values after every `every` revealed samples (when requested). */
  trace: { samples: number; metrics: MetricValues }[];
}

/**
 * Runs test-then-train over a finite stream and returns the final metric values. The stream must
 * not reuse one input object for several samples when delay > 0 (pending inputs are kept).
 */
export function progressiveValidation(
  model: OnlineLearner,
  stream: Iterable<Sample>,
  metrics: Metric[],
  options: ProgressiveOptions & { every?: number } = {},
): ProgressiveResult {
  const validator = new ProgressiveValidator(model, metrics, options);
  const trace: ProgressiveResult['trace'] = [];
  const every = options.every ?? 0;
  let nextMark = every;
  const mark = (): void => {
    if (every <= 0 || validator.revealed < nextMark) return;
    trace.push({ samples: validator.revealed, metrics: validator.values() });
    nextMark = (floor(validator.revealed / every) + 1) * every;
  };
  for (const sample of stream) {
    validator.process(sample);
    mark();
  }
  validator.flush();
  mark();
  return { samples: validator.revealed, metrics: validator.values(), trace };
}
