import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildConsole } from '../config.js';

// A console started before its web app is built (a build still running beside it, as turbo once
// ran them) answers 503 with a reason, then serves the app once the build has written it.
let app: TestApp;
let webDir: string;
beforeAll(async () => {
  webDir = mkdtempSync(join(tmpdir(), 'console-web-'));
  app = await startTestApp(buildConsole, { CONSOLE_WEB_DIR: webDir });
});
afterAll(async () => {
  await app.close();
  rmSync(webDir, { recursive: true, force: true });
});

it('answers 503 naming the missing build, then serves the app once it is built', async () => {
  const before = await app.request('GET', '/models', { as: null });
  expect(before.status).toBe(503);
  expect(before.body).toMatchObject({ code: 'service_unavailable', detail: 'the console web app is not built (run the build)' });

  mkdirSync(join(webDir, 'assets'));
  writeFileSync(join(webDir, 'assets', 'app-1.js'), 'console.log(1)');
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>built</title>');
  await sleep(1_100); // files are looked for again at most once a second

  const page = await app.request('GET', '/models', { as: null });
  expect(page.status).toBe(200);
  expect(page.text).toBe('<!doctype html><title>built</title>');
  const asset = await app.request('GET', '/assets/app-1.js', { as: null });
  expect(asset.status).toBe(200);
  expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
});
