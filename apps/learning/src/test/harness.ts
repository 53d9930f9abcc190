import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logisticStream } from '@modelyard/learners';
import { startFaultProxy, type FaultProxy } from '@modelyard/sdk/testing';
import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildExperiments } from '@modelyard/experiments/testing';
import { buildRegistry } from '@modelyard/registry/testing';
import { buildLearning } from '../config.js';

export interface Harness {
  registry: TestApp;
  learning: TestApp;
  /** Only with `withExperiments`. */
  experiments?: TestApp;
  /** Only with `experimentsProxy`: between the learning service and the experiments service. */
  experimentsProxy?: FaultProxy;
  close(): Promise<void>;
}

/**
 * A real registry (artifacts on a temporary directory), optionally a real experiments service, and a
 * real learning service talking to them over HTTP, as in production. With `experimentsProxy`, the
 * learning service reaches experiments through a fault proxy that tests can make misbehave.
 */
export async function startHarness(
  o: { withExperiments?: boolean; experimentsProxy?: boolean; learningEnv?: Record<string, string> } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'learning-artifacts-'));
  const registry = await startTestApp(buildRegistry, { ARTIFACT_DIR: dir });
  const experiments =
    o.withExperiments || o.experimentsProxy ? await startTestApp(buildExperiments, { REGISTRY_URL: registry.url }) : undefined;
  const experimentsProxy = experiments && o.experimentsProxy ? await startFaultProxy(experiments.url) : undefined;
  const experimentsUrl = experimentsProxy?.url ?? experiments?.url;
  const learning = await startTestApp(buildLearning, {
    REGISTRY_URL: registry.url,
    ...(experimentsUrl ? { EXPERIMENTS_URL: experimentsUrl } : {}),
    ...o.learningEnv,
  });
  return {
    registry,
    learning,
    ...(experiments ? { experiments } : {}),
    ...(experimentsProxy ? { experimentsProxy } : {}),
    async close() {
      await learning.close();
      await experimentsProxy?.close();
      await experiments?.close();
      await registry.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const FEATURES = ['f0', 'f1', 'f2', 'f3', 'f4'];
export const WEIGHTS = [1.5, -2, 0.75, 0, 1];

/** A labelled row as the samples endpoint takes it. */
export type Row = Record<string, number>;

/** `count` rows of seeded logistic data with known weights (packages/learners' generator). */
export function rows(seed: number, count: number): Row[] {
  return [...logisticStream({ weights: WEIGHTS, intercept: 0.25, seed, count })].map((s) => {
    const row: Row = {};
    FEATURES.forEach((f, i) => (row[f] = s.x[i]!));
    row.label = s.y;
    return row;
  });
}

export function pipelineBody(name: string, model: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    model,
    learner: { type: 'logistic_regression', optimizer: 'ftrl', hyperparameters: { alpha: 0.2, beta: 1, l1: 0.001 } },
    features: FEATURES.map((f) => ({ name: f, kind: 'numeric' })),
    target: 'label',
    // A batch size no test reaches: updates run only when a test triggers them.
    strategy: 'mini_batch',
    batchSize: 100_000,
    maxBuffer: 200_000,
    gate: { metric: 'accuracy', direction: 'higher', tolerance: 0, holdout: 200 },
    ...extra,
  };
}

export async function createModel(registry: TestApp, name: string) {
  const res = await registry.request('POST', '/v1/models', { body: { name } });
  if (res.status !== 201) throw new Error(`model ${name}: ${res.status} ${res.text}`);
}

/** Posts rows in batches of 5 000 (the endpoint takes up to 10 000). */
export async function feed(learning: TestApp, pipeline: string, data: readonly Record<string, number | string>[]) {
  for (let i = 0; i < data.length; i += 5000) {
    const res = await learning.request('POST', `/v1/pipelines/${pipeline}/samples`, { body: { samples: data.slice(i, i + 5000) } });
    if (res.status !== 202) throw new Error(`samples: ${res.status} ${res.text}`);
  }
}

// A history entry as the tests read it, field by field from the JSON body. An alias of its own, so the
// exemption stays on the line of the `any` however the signature below is wrapped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type HistoryEntry = any;

/**
 * Polls the pipeline's history until it holds `count` finished entries (of `outcome` when given);
 * returns them oldest first.
 */
export async function waitForUpdates(
  learning: TestApp,
  pipeline: string,
  count: number,
  timeoutMs = 60_000,
  outcome?: string,
): Promise<HistoryEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await learning.request('GET', `/v1/pipelines/${pipeline}/history?limit=200`);
    const done = res.body.items.filter((u: { outcome: string }) => (outcome ? u.outcome === outcome : u.outcome !== 'failed'));
    if (done.length >= count) return done.reverse();
    if (Date.now() > deadline)
      throw new Error(`pipeline ${pipeline}: ${done.length}/${count} updates after ${timeoutMs} ms: ${res.text.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
