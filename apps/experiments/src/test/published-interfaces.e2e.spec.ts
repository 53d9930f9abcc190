import { PUBLISHED_WELL, publishedProblems, startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildExperiments } from '../config.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp(buildExperiments);
});
afterAll(() => app.close());

it('publishes metrics by the Prometheus conventions and a valid OpenAPI 3.1 document a client compiles from', async () => {
  const problems = await publishedProblems(app, [
    { name: 'ml_experiments_active', type: 'gauge' },
    { name: 'ml_experiment_traffic_total', type: 'counter' },
  ]);
  expect(problems).toEqual(PUBLISHED_WELL);
}, 60_000);
