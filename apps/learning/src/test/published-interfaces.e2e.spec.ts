import { PUBLISHED_WELL, publishedProblems, startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildLearning } from '../config.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp(buildLearning);
});
afterAll(() => app.close());

it('publishes metrics by the Prometheus conventions and a valid OpenAPI 3.1 document a client compiles from', async () => {
  const problems = await publishedProblems(app, [
    { name: 'ml_pipeline_samples_processed_total', type: 'counter' },
    { name: 'ml_pipeline_updates_total', type: 'counter' },
    { name: 'ml_pipeline_tuning_sample_updates_total', type: 'counter' },
  ]);
  expect(problems).toEqual(PUBLISHED_WELL);
}, 60_000);
