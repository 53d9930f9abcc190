import { PUBLISHED_WELL, publishedProblems } from '@modelyard/platform/testing';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

it('publishes metrics by the Prometheus conventions and a valid OpenAPI 3.1 document a client compiles from', async () => {
  const problems = await publishedProblems(h.serving, [
    { name: 'ml_serving_predictions_total', type: 'counter' },
    { name: 'ml_serving_inference_duration_seconds', type: 'histogram' },
    { name: 'ml_serving_models_loaded', type: 'gauge' },
    { name: 'ml_serving_artifact_cache_bytes', type: 'gauge' },
    { name: 'ml_serving_routed_total', type: 'counter' },
    { name: 'ml_serving_exposures_total', type: 'counter' },
  ]);
  expect(problems).toEqual(PUBLISHED_WELL);
}, 60_000);
