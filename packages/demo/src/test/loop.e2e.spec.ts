import { buildDrift } from '@modelyard/drift/testing';
import { buildExperiments } from '@modelyard/experiments/testing';
import { buildLearning } from '@modelyard/learning/testing';
import { metricValue, startTestApp, tokenFor, type TestApp } from '@modelyard/platform/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRegistry } from '@modelyard/registry/testing';
import { buildServing } from '@modelyard/serving/testing';
import { Modelyard } from '@modelyard/sdk';
import { runLoop, SHORT_LOOP, type LoopResult } from '../loop.js';
import { Timeline } from '../timeline.js';

// The five services as `npm run up` runs them: one database, one Redis prefix (so the drift
// service's `retrain` jobs reach the learning service and serving hears the registry's
// announcements), talking to each other over HTTP. Every prediction goes through serving.
let registry: TestApp;
const cacheDir = mkdtempSync(join(tmpdir(), 'loop-serving-cache-'));
let serving: TestApp;
const others: TestApp[] = [];
const printed: string[] = [];
let result: LoopResult;

beforeAll(async () => {
  registry = await startTestApp(buildRegistry);
  const shared = { databaseUrl: registry.databaseUrl, redisPrefix: registry.redisPrefix };
  const experiments = await startTestApp(buildExperiments, { REGISTRY_URL: registry.url }, shared);
  const drift = await startTestApp(buildDrift, {}, shared);
  const learning = await startTestApp(buildLearning, { REGISTRY_URL: registry.url, EXPERIMENTS_URL: experiments.url }, shared);
  const urls = { REGISTRY_URL: registry.url, EXPERIMENTS_URL: experiments.url, DRIFT_URL: drift.url, LEARNING_URL: learning.url };
  serving = await startTestApp(buildServing, { ...urls, SERVING_CACHE_DIR: cacheDir }, shared);
  others.push(experiments, drift, learning, serving);
  const my = new Modelyard({
    token: tokenFor('admin'),
    urls: { registry: registry.url, experiments: experiments.url, drift: drift.url, learning: learning.url, serving: serving.url },
  });
  result = await runLoop(my, { ...SHORT_LOOP, model: 'churn-loop' }, new Timeline((line) => printed.push(line)));
}, 300_000);

afterAll(async () => {
  // They share the registry's database and prefix: only the registry's close() drops them.
  for (const app of others.reverse()) await app.app.close();
  await registry?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('the closed loop (shortened demo)', () => {
  it('ends with the drift-trained v2 promoted over v1 by the experiment', () => {
    expect(result.v1).toBe('1.0.0');
    expect(result.v2).toBe('1.0.1');
    expect(result.production).toBe(result.v2);
    expect(result.experiment).toBe(`churn-loop-online-v${result.v2}`);
  });

  it('was started by a scheduled drift report on x0 alone, with the automatically chosen test', () => {
    const drifted = result.driftReport.features.filter((f) => f.drifted).map((f) => [f.name, f.test]);
    // Evidently's rule (packages/stats autoTest): numeric columns over 1,000 rows get normed Wasserstein.
    expect(drifted).toEqual([['x0', 'wasserstein']]);
    expect(result.driftReport.trigger).toBe('schedule');
    expect(['high', 'critical']).toContain(result.driftReport.severity);
    expect(result.retrain.reason).toBe('drift');
    expect(result.retrain.driftReportId).toBe(result.driftReport.id);
    expect(result.retrain.gate?.passed).toBe(true);
    expect(result.retrain.gate!.candidate!).toBeGreaterThan(result.retrain.gate!.production! + 0.1);
  });

  it('predicted every request through the serving service, the experiment by unit', async () => {
    const predicted = (version: string) =>
      metricValue(serving, 'ml_serving_predictions_total', { model: 'churn-loop', version, api: 'v1' });
    expect(await predicted(result.v1)).toBeGreaterThanOrEqual(SHORT_LOOP.beforeDrift + SHORT_LOOP.afterDrift);
    expect(await predicted(result.v2)).toBeGreaterThan(0);
    const exposures = await metricValue(serving, 'ml_serving_exposures_total', { experiment: result.experiment });
    expect(exposures).toBeGreaterThanOrEqual(SHORT_LOOP.experimentRound);
    expect(await metricValue(serving, 'ml_serving_exposures_lost_total', { experiment: result.experiment })).toBe(0);
  });

  it('left the story in the registry audit log, in order', () => {
    const a = result.auditActions;
    const at = (action: string, from = 0) => a.indexOf(action, from);
    expect(at('model.created')).toBe(0);
    expect(a.filter((x) => x === 'version.created')).toHaveLength(2);
    const firstPromotion = at('version.promoted');
    expect(firstPromotion).toBeGreaterThan(0);
    expect(at('version.promoted', firstPromotion + 1)).toBeGreaterThan(firstPromotion);
  });

  it('printed a readable timeline with the key figures', () => {
    const text = printed.join('\n');
    expect(text).toMatch(/scheduled check finds the drift/);
    expect(text).toMatch(/x0\s+wasserstein\s+\d\.\d+\s+—\s+high/);
    expect(text).toMatch(/scheduled check at/);
    expect(text).toMatch(/always-valid p/);
    expect(text).toMatch(/production is now v1\.0\.1/);
  });
});
