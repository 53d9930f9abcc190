import { PUBLISHED_WELL, publishedProblems, startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildDrift } from '../config.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp(buildDrift);
});
afterAll(() => app.close());

it('publishes metrics by the Prometheus conventions and a valid OpenAPI 3.1 document a client compiles from', async () => {
  const problems = await publishedProblems(app, [
    { name: 'ml_drift_alerts_total', type: 'counter' },
    { name: 'ml_drift_check_duration_seconds', type: 'histogram' },
  ]);
  expect(problems).toEqual(PUBLISHED_WELL);
}, 60_000);
