import {
  generatedClientProblems,
  metricConventionViolations,
  metricFamilies,
  openApiProblems,
  startTestApp,
  type TestApp,
} from '@modelyard/platform/testing';
import { buildDrift } from '../config.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp(buildDrift);
});
afterAll(() => app.close());

describe('/metrics', () => {
  it('follows the Prometheus naming conventions for every metric we define', async () => {
    // One routed request, so the HTTP histogram has a sample to print.
    await app.request('GET', '/health/live', { as: null });
    const text = (await app.request('GET', '/metrics', { as: null })).text;
    expect(metricFamilies(text)).toEqual(
      expect.arrayContaining([
        { name: 'http_request_duration_seconds', type: 'histogram' },
        { name: 'ml_drift_alerts_total', type: 'counter' },
        { name: 'ml_drift_check_duration_seconds', type: 'histogram' },
      ]),
    );
    expect(metricConventionViolations(text)).toEqual([]);
  });
});

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document from which a generated client compiles', async () => {
    const res = await app.request('GET', '/openapi.json', { as: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(await openApiProblems(res.body)).toEqual([]);
    expect(await generatedClientProblems(res.body)).toEqual([]);
  }, 60_000);
});
