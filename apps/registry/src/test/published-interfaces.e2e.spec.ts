import { PUBLISHED_WELL, publishedProblems, startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp(buildRegistry);
});
afterAll(() => app.close());

it('publishes metrics by the Prometheus conventions and a valid OpenAPI 3.1 document a client compiles from', async () => {
  const problems = await publishedProblems(app, [
    { name: 'ml_models', type: 'gauge' },
    { name: 'ml_model_versions', type: 'gauge' },
    { name: 'ml_model_promotion_total', type: 'counter' },
  ]);
  expect(problems).toEqual(PUBLISHED_WELL);
}, 60_000);
