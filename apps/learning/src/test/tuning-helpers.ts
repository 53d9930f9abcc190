import { Accuracy, LogisticRegression, progressiveValidation } from '@modelyard/learners';
import type { TestApp } from '@modelyard/platform/testing';
import { FEATURES, type Row } from './harness.js';

const record = (r: Row) => Object.fromEntries(FEATURES.map((f) => [f, r[f]!]));

/** Progressive accuracy of an FTRL logistic regression (the pipelines' learner) over `data`, as a tuning trial learns it. */
export function ftrlAccuracy(data: readonly Row[], alpha: number, l1: number): number {
  const model = new LogisticRegression({ optimizer: 'ftrl', alpha, beta: 1, l1, dim: 4096 });
  return progressiveValidation(
    model,
    data.map((r) => ({ x: record(r), y: r.label! })),
    [new Accuracy()],
  ).metrics.accuracy!;
}

// The tuning as the tests read it, from the JSON body.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type TuningBody = any;

/** Polls a tuning until it is no longer running; returns it. */
export async function waitForTuning(learning: TestApp, pipeline: string, id: string, timeoutMs = 90_000): Promise<TuningBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await learning.request('GET', `/v1/pipelines/${pipeline}/tunings/${id}`);
    if (res.status !== 200) throw new Error(`tuning ${id}: ${res.status} ${res.text}`);
    if (res.body.status !== 'running') return res.body;
    if (Date.now() > deadline) throw new Error(`tuning ${id} still running after ${timeoutMs} ms: ${res.text.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
