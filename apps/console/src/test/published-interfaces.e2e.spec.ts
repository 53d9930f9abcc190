import { PUBLISHED_WELL, publishedProblems, startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildConsole } from '../config.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp(buildConsole);
});
afterAll(() => app.close());

it('publishes metrics by the Prometheus conventions and a valid OpenAPI 3.1 document a client compiles from', async () => {
  expect(await publishedProblems(app, [])).toEqual(PUBLISHED_WELL);
}, 60_000);
