import { publishedInterfaces, startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildConsole } from '../config.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp(buildConsole);
});
afterAll(() => app.close());

it('publishes metrics by the Prometheus conventions and a valid OpenAPI 3.1 document', async () => {
  const published = await publishedInterfaces(app);
  expect(published.metricFamilies).toEqual(expect.arrayContaining([{ name: 'http_request_duration_seconds', type: 'histogram' }]));
  expect(published.metricViolations).toEqual([]);
  expect(published.openApiVersion).toBe('3.1.0');
  expect(published.openApiProblems).toEqual([]);
}, 60_000);
