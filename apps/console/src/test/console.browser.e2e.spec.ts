import { tokenFor } from '@modelyard/platform/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startHarness, type Harness } from './harness.js';
import { accessibilityViolations, launchBrowser, screenshot, watchProblems } from './browser.js';

// One browser for the file; each user gets a context of their own (own cookies).
let h: Harness;
let browser: Browser;
let adminKey: string;
const problems: string[][] = [];
const MODEL = 'churn-browser';

/**
 * Before sign-in, GET /session answers 401: the one error answer the app expects. After sign-out
 * the test itself asks for a 401 once.
 */
let signedOut = false;
const expected = (url: string, status: number) =>
  (status === 401 && (new URL(url).pathname === '/session' || signedOut)) ||
  (status === 403 && new URL(url).pathname.endsWith('/aliases/champion'));

async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  problems.push(watchProblems(page, expected));
  return page;
}

async function signInAs(page: Page, credential: string): Promise<void> {
  await page.goto(`${h.console.url}/`);
  await page.getByLabel('API key').fill(credential);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}

async function checkAccessible(page: Page, what: string) {
  expect({ page: what, violations: await accessibilityViolations(page) }).toEqual({ page: what, violations: [] });
}

beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness(), launchBrowser()]);
  adminKey = (await h.registry.request('POST', '/v1/api-keys', { body: { name: 'browser', roles: ['admin'] } })).body.key;
  // A model with three versions (two metrics), the last one staged for promotion, one with an artifact.
  await h.registry.request('POST', '/v1/models', { body: { name: MODEL, description: 'Churn classifier', tags: ['churn'] } });
  const versions = [
    { auc: 0.71, logloss: 0.52 },
    { auc: 0.74, logloss: 0.49 },
    { auc: 0.78, logloss: 0.45 },
  ];
  for (const metrics of versions) await h.registry.request('POST', `/v1/models/${MODEL}/versions`, { body: { metrics } });
  await h.registry.request('PUT', `/v1/models/${MODEL}/versions/1.0.0/artifacts/model.onnx`, {
    raw: Buffer.from('onnx bytes'),
    headers: { 'content-type': 'application/octet-stream' },
  });
  await h.registry.request('POST', `/v1/models/${MODEL}/versions/1.0.2/transitions`, { body: { to: 'staging' } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
}, 120_000); // the services and a browser to close, on a loaded machine

describe('the console in a browser', () => {
  let admin: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await newPage(admin);
  });
  afterAll(() => admin.close());

  it('signs in with an API key and keeps nothing of it in the browser', async () => {
    await page.goto(`${h.console.url}/models`);
    await page.getByRole('heading', { name: 'Modelyard console' }).waitFor();
    await screenshot(page, 'sign-in');
    await checkAccessible(page, 'sign-in');
    await page.getByLabel('API key').fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back to the page asked for.
    await page.getByRole('heading', { name: 'Models' }).waitFor();
    expect(await page.getByTestId('who').textContent()).toContain('admin');
    // Strings run in the page (this program has no DOM types).
    const stored = await page.evaluate<string>(
      'JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie',
    );
    expect(stored).not.toContain(adminKey);
    expect(stored).not.toContain('modelyard_session'); // HttpOnly: scripts cannot see the cookie
    const cookies = await admin.cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: 'modelyard_session', httpOnly: true, sameSite: 'Strict' })]);
  });

  it('lists the model created through the API, searchable and filterable by tag', async () => {
    await page.getByRole('link', { name: MODEL }).waitFor();
    await screenshot(page, 'models');
    await checkAccessible(page, 'models');
    await page.getByLabel('Name starts with').fill('nothing-like-it');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No model matches.').waitFor();
    expect(page.url()).toContain('q=nothing-like-it');
    await page.goto(`${h.console.url}/models?tag=churn`);
    await page.getByRole('link', { name: MODEL }).waitFor();
  });

  it('shows the overview with the production version and counts from the other services', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    const row = page.getByRole('row', { name: new RegExp(MODEL) });
    await row.waitFor();
    await row.getByRole('cell').nth(0).filter({ hasText: 'none' }).waitFor();
    await page.waitForFunction(`!document.querySelector('[aria-busy="true"]')`);
    expect(await row.getByRole('cell').nth(2).textContent()).toBe('0');
    expect(await row.getByRole('cell').nth(3).textContent()).toBe('0');
    expect(await row.textContent()).not.toContain('unavailable');
    // No drift monitor watches the model: said so, without a failed request (the dashboard would answer 404).
    expect(await row.getByTestId('health').textContent()).toBe('no monitor');
    await screenshot(page, 'overview');
    await checkAccessible(page, 'overview');
  });

  it("shows a model's versions, metric chart, timeline and artifacts", async () => {
    await page.goto(`${h.console.url}/models/${MODEL}?version=1.0.0`);
    const versions = page.getByTestId('versions');
    await versions.waitFor();
    expect(await versions.locator('tbody tr').count()).toBe(3);
    expect(await versions.locator('tr[data-version="1.0.2"] .badge').textContent()).toBe('staging');
    // uPlot draws into a canvas, with one point per version that has the metric.
    await page.getByTestId('metric-chart').locator('canvas').waitFor();
    await page.getByLabel('Metric').selectOption('logloss');
    expect(page.url()).toContain('metric=logloss');
    const artifacts = page.getByTestId('artifacts');
    await artifacts.waitFor();
    expect(await artifacts.textContent()).toContain('model.onnx');
    expect(await artifacts.textContent()).toMatch(/[0-9a-f]{64}/);
    await page.getByTestId('timeline').waitFor();
    expect(await page.getByTestId('validation').textContent()).toBe('v1.0.0 has no validation report.');
    await screenshot(page, 'model');
    await checkAccessible(page, 'model');
  });

  it('promotes a staged version after showing the policy check, and the stage and audit entry follow', async () => {
    await page.locator('tr[data-version="1.0.2"]').getByRole('button', { name: 'Promote' }).click();
    const dialog = page.getByRole('dialog', { name: /Promote v1.0.2/ });
    await dialog.waitFor();
    await dialog
      .getByTestId('policy-check')
      .getByText(/Policy check on logloss/)
      .waitFor();
    await dialog.getByLabel('Better is').selectOption('lower');
    await dialog.getByText(/passes/).waitFor();
    await screenshot(page, 'promote-dialog');
    await checkAccessible(page, 'promote dialog');
    await dialog.getByLabel(/Reason/).fill('best logloss so far');
    await dialog.getByRole('button', { name: 'Promote' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('tr[data-version="1.0.2"] .badge', { hasText: 'production' }).waitFor();
    expect(await page.getByTestId('production').textContent()).toBe('v1.0.2');
    const timeline = page.getByTestId('timeline');
    await timeline.getByText('version.promoted').waitFor();
    expect(await timeline.textContent()).toContain('best logloss so far');
    const audit = await h.registry.request('GET', `/v1/audit?model=${MODEL}`);
    expect(audit.body.items[0]).toMatchObject({ action: 'version.promoted', reason: 'best logloss so far' });
  });

  it('signs out back to the sign-in page; the old session opens nothing', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    signedOut = true;
    const status = await page.evaluate(async () => (await fetch('/api/registry/v1/models')).status);
    expect(status).toBe(401);
    await page.goto(`${h.console.url}/models/${MODEL}`);
    await page.getByLabel('API key').waitFor();
    expect(page.url()).toContain('/sign-in?next=');
  });
});

describe('what a viewer sees', () => {
  it('has no promote, stage or alias buttons on a model page', async () => {
    const viewer = await browser.newContext();
    try {
      const page = await newPage(viewer);
      await signInAs(page, tokenFor('viewer', 'vic'));
      await page.goto(`${h.console.url}/models/${MODEL}`);
      await page.getByTestId('versions').waitFor();
      await page.getByTestId('timeline').waitFor();
      expect(await page.getByRole('button', { name: 'Promote' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Change stage' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Roll back production' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Set alias' }).count()).toBe(0);
      expect(await page.getByTestId('who').textContent()).toContain('vic · viewer');
      await screenshot(page, 'model-as-viewer');
    } finally {
      await viewer.close();
    }
  });
});

describe('what an editor does, by keyboard', () => {
  it('signs in with Tab and Enter, changes a stage, and sees a 403 as a message in the dialog', async () => {
    // The admin protects the alias: only admins may move it.
    await h.registry.request('PUT', `/v1/models/${MODEL}/aliases/champion`, { body: { version: '1.0.0', protected: true } });
    const editor = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await newPage(editor);
      await page.goto(`${h.console.url}/models/${MODEL}`);
      await page.getByLabel('API key').waitFor();
      await page.keyboard.press('Tab');
      await page.keyboard.type(tokenFor('editor', 'eddie'));
      await page.keyboard.press('Enter');
      const row = page.locator('tr[data-version="1.0.1"]');
      await row.waitFor();
      expect(await page.getByRole('button', { name: 'Promote' }).count()).toBe(0);

      await row.getByRole('button', { name: 'Change stage' }).focus();
      await page.keyboard.press('Enter');
      const stage = page.getByRole('dialog', { name: /Move v1.0.1/ });
      await stage.getByLabel('New stage').selectOption('testing');
      await stage.getByLabel(/Reason/).fill('ready for shadow traffic');
      await stage.getByRole('button', { name: 'Move' }).click();
      await row.locator('.badge', { hasText: 'testing' }).waitFor();
      await page.getByTestId('timeline').getByText('ready for shadow traffic').waitFor();

      await row.getByRole('button', { name: 'Set alias' }).click();
      const alias = page.getByRole('dialog', { name: /Point an alias at v1.0.1/ });
      await alias.getByLabel(/Reason/).fill('try it');
      await alias.getByRole('button', { name: 'Set alias' }).click();
      await alias
        .getByRole('alert')
        .getByText(/do not have permission/)
        .waitFor();
      await screenshot(page, 'forbidden-in-dialog');
      await page.keyboard.press('Escape');
      await alias.waitFor({ state: 'detached' });
      expect((await h.registry.request('GET', `/v1/models/${MODEL}/aliases/champion`)).body.version).toBe('1.0.0');
    } finally {
      await editor.close();
    }
  });
});

describe('every page visited', () => {
  it('had no page error, console error or failed request', () => {
    expect(problems.flat()).toEqual([]);
  });
});
