import type { TestApp } from '@modelyard/platform/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startHarness, type Harness } from './harness.js';
import { accessibilityViolations, launchBrowser, screenshot, watchProblems } from './browser.js';

// The experiments, drift, learning, audit and compare pages against real services with data in them.
// One browser for the file, one signed-in admin context for every page.
let h: Harness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];
let monitorId: string;
let pipelineId: string;
const MODEL = 'ranker-pages';
const EXPERIMENT = 'exp-pages';

/** Standard normal draws from a fixed linear congruential sequence (Box–Muller): the same data on every run. */
function normals(seed: number) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Drift records: `age` numeric (moved by `shift` standard deviations), `plan` categorical. */
function driftRecords(seed: number, n: number, shift = 0) {
  const z = normals(seed);
  const plans = shift ? ['basic', 'pro', 'pro', 'team'] : ['basic', 'pro', 'team'];
  return Array.from({ length: n }, (_, i) => ({ features: { age: 40 + 10 * (z() + shift), plan: plans[i % plans.length]! } }));
}

async function ok(app: TestApp, method: string, path: string, body?: unknown) {
  const res = await app.request(method, path, body === undefined ? {} : { body });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
  return res.body;
}

/** Two versions, an experiment where treatment converts 1 in 4 against control's 1 in 10, and latency as a guardrail. */
async function seedExperiment() {
  await ok(h.registry, 'POST', '/v1/models', { name: MODEL, tags: ['pages'] });
  for (const [version, auc] of [
    ['1.0.0', 0.7],
    ['1.0.1', 0.75],
    ['1.0.2', 0.73],
  ] as const)
    await ok(h.registry, 'POST', `/v1/models/${MODEL}/versions`, {
      version,
      metrics: { auc },
      params: { depth: version === '1.0.0' ? 4 : 6 },
    });
  await ok(h.experiments, 'POST', '/v1/experiments', {
    key: EXPERIMENT,
    model: MODEL,
    description: 'Deeper trees',
    variants: [
      { key: 'control', version: '1.0.0', weight: 1 },
      { key: 'treatment', version: '1.0.1', weight: 1 },
    ],
    control: 'control',
    primaryMetric: { name: 'conversion', kind: 'binomial', direction: 'higher' },
    guardrails: [{ name: 'latency', kind: 'continuous', direction: 'lower', maxRelativeDegradation: 0.2 }],
  });
  await ok(h.experiments, 'POST', `/v1/experiments/${EXPERIMENT}/start`);
  const units = Array.from({ length: 2000 }, (_, i) => `u${i}`);
  const variants = new Map<string, string>();
  for (let i = 0; i < units.length; i += 1000) {
    const res = await ok(h.experiments, 'POST', `/v1/experiments/${EXPERIMENT}/assignments`, { units: units.slice(i, i + 1000) });
    for (const a of res.items as { unit: string; variant: string }[]) variants.set(a.unit, a.variant);
  }
  await ok(h.experiments, 'POST', `/v1/experiments/${EXPERIMENT}/exposures`, { exposures: units.map((unit) => ({ unit })) });
  const events = units.flatMap((unit, i) => {
    const every = variants.get(unit) === 'treatment' ? 4 : 10;
    const latency = { unit, metric: 'latency', value: 100 + (i % 7) };
    return i % every === 0 ? [latency, { unit, metric: 'conversion', value: 1 }] : [latency];
  });
  await ok(h.experiments, 'POST', `/v1/experiments/${EXPERIMENT}/events`, { events });
}

/** The experiments service's tick (every 10 s, the first at start-up) stores a snapshot of the statistics. */
async function waitForResultsHistory() {
  for (let i = 0; i < 300; i++) {
    const history = await ok(h.experiments, 'GET', `/v1/experiments/${EXPERIMENT}/results/history`);
    if (history.points.length) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no snapshot of the results was stored');
}

/** A monitor whose window moved: age by two standard deviations, plan towards 'pro'; checked twice. */
async function seedDrift() {
  const monitor = await ok(h.drift, 'POST', '/v1/monitors', {
    name: 'pages-monitor',
    model: MODEL,
    features: [
      { name: 'age', kind: 'numeric' },
      { name: 'plan', kind: 'categorical' },
    ],
    window: { size: 400 },
    schedule: { everySeconds: 3600 },
  });
  monitorId = monitor.id;
  await ok(h.drift, 'POST', `/v1/monitors/${monitorId}/reference`, { records: driftRecords(1, 400) });
  await ok(h.drift, 'POST', `/v1/monitors/${monitorId}/records`, { records: driftRecords(2, 400, 1) });
  await ok(h.drift, 'POST', `/v1/monitors/${monitorId}/check`);
  await ok(h.drift, 'POST', `/v1/monitors/${monitorId}/records`, { records: driftRecords(3, 400, 2) });
  await ok(h.drift, 'POST', `/v1/monitors/${monitorId}/check`);
}

/** A pipeline with one update run (registered, the gate passed: no production version to beat). */
async function seedLearning() {
  const learning = h.learning!;
  const pipeline = await ok(learning, 'POST', '/v1/pipelines', {
    name: 'pages-pipeline',
    model: MODEL,
    learner: { type: 'logistic_regression', optimizer: 'sgd' },
    features: [
      { name: 'f0', kind: 'numeric' },
      { name: 'f1', kind: 'numeric' },
    ],
    target: 'label',
    strategy: 'mini_batch',
    batchSize: 100_000,
    gate: { metric: 'accuracy', direction: 'higher', holdout: 100 },
  });
  pipelineId = pipeline.id;
  const z = normals(9);
  const samples = Array.from({ length: 600 }, () => {
    const f0 = z();
    const f1 = z();
    return { f0, f1, label: f0 - f1 > 0 ? 1 : 0 };
  });
  await ok(learning, 'POST', `/v1/pipelines/${pipelineId}/samples`, { samples });
  await ok(learning, 'POST', `/v1/pipelines/${pipelineId}/trigger`);
  for (let i = 0; i < 200; i++) {
    const history = await ok(learning, 'GET', `/v1/pipelines/${pipelineId}/history`);
    if (history.items.length) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the pipeline update did not finish');
}

async function checkAccessible(what: string) {
  expect({ page: what, violations: await accessibilityViolations(page) }).toEqual({ page: what, violations: [] });
}

beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness({}, { withLearning: true }), launchBrowser()]);
  await seedExperiment();
  await Promise.all([seedDrift(), seedLearning(), waitForResultsHistory()]);
  const adminKey = (await h.registry.request('POST', '/v1/api-keys', { body: { name: 'pages', roles: ['admin'] } })).body.key;
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  // Before sign-in, GET /session answers 401: the one error answer the app expects.
  problems = watchProblems(page, (url, status) => status === 401 && new URL(url).pathname === '/session');
  await page.goto(`${h.console.url}/`);
  await page.getByLabel('API key').fill(adminKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await h?.close();
}, 120_000); // the services and a browser to close, on a loaded machine

describe('experiments', () => {
  it('lists the experiment with its status and health', async () => {
    await page.getByRole('link', { name: 'Experiments' }).click();
    const row = page.locator(`tr[data-experiment="${EXPERIMENT}"]`);
    await row.waitFor();
    await row.getByText('healthy').waitFor();
    expect(await row.getByText('running').count()).toBe(1);
    await screenshot(page, 'experiments');
    await checkAccessible('experiments');
    await page.getByLabel('Status').selectOption('concluded');
    await page.getByText('No experiment matches.').waitFor();
    expect(page.url()).toContain('status=concluded');
  });

  it("shows an experiment's results table, forest plot, traffic split, guardrails and recommendation", async () => {
    await page.goto(`${h.console.url}/experiments/${EXPERIMENT}`);
    const table = page.getByTestId('results-table');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(2);
    const treatment = table.locator('tr[data-variant="treatment"]');
    const cells = await treatment.locator('td').allTextContents();
    // Version, units, mean [interval], difference, lift [interval], chance to beat, p, always-valid p, significant.
    expect(cells[0]).toBe('v1.0.1');
    expect(Number(cells[1]!.replace(/\D/g, ''))).toBeGreaterThan(900);
    expect(cells[2]).toMatch(/^0\.2\d+ \[0\.\d+, 0\.\d+\]$/);
    expect(cells[4]).toMatch(/^\+\d+\.\d % \[\+\d+\.\d %, \+\d+\.\d %\]$/);
    expect(cells[5]).toMatch(/^(99|100)\.\d %$/);
    expect(cells[8]).toBe('yes');
    // The forest plot has one row per treatment and metric, with the lift as data.
    const rows = page.getByTestId('forest-plot').locator('g[data-row]');
    expect(await rows.count()).toBe(2);
    const conversionLift = Number(await page.locator('g[data-row="treatment/conversion"]').getAttribute('data-lift'));
    expect(conversionLift).toBeGreaterThan(0.8); // 1 in 4 against 1 in 10: +150 % expected
    expect(await rows.locator('circle').count()).toBe(2);
    // The difference over time, from the stored snapshots: a point per snapshot, the difference and its two bounds.
    const overTime = page.getByTestId('lift-over-time');
    await overTime.locator('canvas').waitFor();
    expect(Number(await overTime.getAttribute('data-points'))).toBeGreaterThanOrEqual(1);
    expect(await overTime.getAttribute('data-series')).toBe('3');
    expect(await page.getByTestId('srm').textContent()).toContain('ok');
    expect(await page.getByTestId('traffic-split').locator('tbody tr').count()).toBe(2);
    expect(await page.getByTestId('guardrails').textContent()).toContain('latency');
    expect(await page.getByTestId('recommendation').textContent()).toMatch(/^ship \(treatment\)/);
    await screenshot(page, 'experiment');
    await checkAccessible('experiment');
    await page.getByLabel('Metric').selectOption('latency');
    expect(page.url()).toContain('metric=latency');
  });

  it('stops the experiment after a confirmation', async () => {
    await page.getByRole('button', { name: 'Stop' }).click();
    const dialog = page.getByRole('dialog', { name: `Stop ${EXPERIMENT}?` });
    await checkAccessible('stop dialog');
    await dialog.getByRole('button', { name: 'Stop' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Restart' }).waitFor();
    expect((await h.experiments.request('GET', `/v1/experiments/${EXPERIMENT}`)).body.status).toBe('stopped');
  });
});

describe('drift', () => {
  it('lists the monitor with its latest severity', async () => {
    await page.getByRole('link', { name: 'Drift', exact: true }).click();
    const row = page.locator('tr[data-monitor="pages-monitor"]');
    await row.waitFor();
    await row.locator('.badge', { hasText: /high|critical/ }).waitFor();
    await screenshot(page, 'drift');
    await checkAccessible('drift');
  });

  it("shows the model's health from the drift dashboard on the overview", async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    const health = page.locator(`tr[data-model="${MODEL}"]`).getByTestId('health');
    // Both checks found high drift and raised alerts: the dashboard says unhealthy.
    await health.locator('.badge', { hasText: 'unhealthy' }).waitFor();
    expect((await ok(h.drift, 'GET', `/v1/dashboard/${MODEL}`)).health).toBe('unhealthy');
    await checkAccessible('overview with health');
    await page.getByRole('link', { name: 'Drift', exact: true }).click();
  });

  it("shows a drifted monitor's scores over time and the chosen feature's distributions overlaid", async () => {
    await page.locator('tr[data-monitor="pages-monitor"]').getByRole('link', { name: 'pages-monitor' }).click();
    const scores = page.getByTestId('scores-chart');
    await scores.locator('canvas').waitFor();
    expect(await scores.getAttribute('data-points')).toBe('2');
    expect(await scores.getAttribute('data-series')).toBe('2');
    const chart = page.getByTestId('distribution-chart');
    await chart.waitFor();
    expect(await chart.getAttribute('data-kind')).toBe('numeric');
    const shares = async (series: string) =>
      await chart.locator(`g[data-series="${series}"] rect`).evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('data-share'))));
    const reference = await shares('reference');
    const current = await shares('current');
    expect(reference).toHaveLength(20);
    expect(reference.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);
    expect(current.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);
    // The window moved up: its mass sits in higher bins than the reference's.
    const centre = (xs: number[]) => xs.reduce((s, x, i) => s + x * i, 0);
    expect(centre(current) - centre(reference)).toBeGreaterThan(4);
    expect(await page.getByTestId('report-history').locator('tbody tr').count()).toBe(2);
    await screenshot(page, 'monitor');
    await checkAccessible('monitor');

    await page.getByLabel('Score', { exact: true }).selectOption('pValue');
    expect(page.url()).toContain('score=pValue');
    await scores.locator('canvas').waitFor();
    await page.getByLabel('Feature', { exact: true }).selectOption('plan');
    expect(page.url()).toContain('feature=plan');
    await chart.and(page.locator('[data-kind="categorical"]')).waitFor();
    expect(await chart.locator('g[data-series="current"] rect').count()).toBe(3);
  });

  it('acknowledges an alert', async () => {
    const alerts = page.getByTestId('alerts');
    const active = alerts.locator('li[data-alert="active"]');
    const before = await active.count();
    expect(before).toBeGreaterThan(0);
    await active
      .first()
      .getByRole('button', { name: /Acknowledge/ })
      .click();
    await alerts.locator('li[data-alert="acknowledged"]').first().waitFor();
    expect(await active.count()).toBe(before - 1);
    expect(await alerts.textContent()).toContain('acknowledged by');
  });
});

describe('validation', () => {
  it("shows a version's validation report with its verdict and checks", async () => {
    await ok(h.registry, 'PUT', `/v1/models/${MODEL}/versions/1.0.1/validation`, {
      status: 'failed',
      validator: 'serving',
      checks: [
        { name: 'input_schema', status: 'passed', detail: 'features (age, plan) are the columns of input' },
        { name: 'latency', status: 'failed', detail: 'p99 12.5 ms over the 10 ms budget', value: 12.5 },
        { name: 'metric_floors', status: 'skipped', detail: 'the version declares no metric floors' },
      ],
      runtime: { format: 'onnx', runs: 20, latencyP50Ms: 4.2, latencyP99Ms: 12.5 },
    });
    await page.goto(`${h.console.url}/models/${MODEL}?version=1.0.1`);
    const report = page.getByTestId('validation');
    await report.locator('table').waitFor();
    expect(await report.getAttribute('data-status')).toBe('failed');
    expect(await report.locator('p .badge').textContent()).toBe('failed');
    expect(await report.locator('p').textContent()).toContain('latency p50 4.2 ms, p99 12.5 ms, over 20 runs');
    expect(await report.locator('p').textContent()).toMatch(/by serving \(.+\)/);
    const rows = report.locator('tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-check')))).toEqual([
      'input_schema',
      'latency',
      'metric_floors',
    ]);
    expect(await report.locator('tr[data-check="latency"] td').allTextContents()).toEqual([
      'failed',
      'p99 12.5 ms over the 10 ms budget',
      '12.50',
    ]);
    expect(await report.locator('tr[data-check="metric_floors"] .badge').textContent()).toBe('skipped');
    await screenshot(page, 'validation');
    await checkAccessible('validation');
    // A version without a report says so.
    await page.goto(`${h.console.url}/models/${MODEL}?version=1.0.0`);
    await page.getByText('v1.0.0 has no validation report.').waitFor();
  });
});

describe('approvals', () => {
  it("shows a version's approvals and records an approval, which makes it ready for production", async () => {
    // The versions are created by the test kit's admin JWT; the console signs in with an API key,
    // another member, so the four-eyes rule lets it decide.
    await ok(h.registry, 'POST', '/v1/models', { name: 'pages-gated', requiredApprovals: 1 });
    await ok(h.registry, 'POST', '/v1/models/pages-gated/versions', { version: '1.0.0' });
    await page.goto(`${h.console.url}/models/pages-gated?version=1.0.0`);
    const panel = page.getByTestId('approvals');
    await panel.locator('.badge').waitFor();
    expect(await panel.getAttribute('data-ready')).toBe('false');
    expect(await panel.locator('p').first().textContent()).toBe('1 more needed 0 of 1 required approval(s) for v1.0.0');
    await panel.getByRole('button', { name: 'Approve' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason (kept in the audit log)').fill('metrics checked');
    await dialog.getByRole('button', { name: 'Approve' }).click();
    await page.locator('[data-testid="approvals"][data-ready="true"]').waitFor();
    expect(await panel.locator('li[data-decision="approve"]').textContent()).toMatch(/^key:\S+ approved .+: metrics checked$/);
    await screenshot(page, 'approvals');
    await checkAccessible('approvals');
    const stored = await ok(h.registry, 'GET', '/v1/models/pages-gated/versions/1.0.0/approvals');
    expect(stored).toMatchObject({ required: 1, approved: 1, ready: true, by: [{ decision: 'approve', comment: 'metrics checked' }] });
  });
});

describe('learning', () => {
  it('lists the pipeline and shows its update history with the gate decision and the registered version', async () => {
    await page.getByRole('link', { name: 'Learning' }).click();
    const row = page.locator('tr[data-pipeline="pages-pipeline"]');
    await row.waitFor();
    await row.getByText(/registered/).waitFor();
    await screenshot(page, 'learning');
    await checkAccessible('learning');
    await row.getByRole('link', { name: 'pages-pipeline' }).click();
    const history = page.getByTestId('update-history');
    await history.waitFor();
    const update = history.locator('tr[data-outcome="registered"]');
    expect(await update.count()).toBe(1);
    expect(await update.textContent()).toContain('passed');
    expect(await update.getByRole('link', { name: /^v\d/ }).count()).toBe(1);
    expect(await page.getByTestId('pipeline-metric-chart').getAttribute('data-points')).toBe('1');
    await screenshot(page, 'pipeline');
    await checkAccessible('pipeline');
  });

  it('pauses and resumes the pipeline, and triggers an update', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('dialog', { name: /Pause/ }).getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    expect((await h.learning!.request('GET', `/v1/pipelines/${pipelineId}`)).body.state).toBe('paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page
      .getByRole('dialog', { name: /Resume/ })
      .getByRole('button', { name: 'Resume' })
      .click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    await page.getByRole('button', { name: 'Trigger update' }).click();
    await page
      .getByRole('dialog', { name: /Update/ })
      .getByRole('button', { name: 'Trigger' })
      .click();
    await page
      .getByRole('status')
      .getByText(/Update queued/)
      .waitFor();
  });
});

/** Waits until the audit table shows rows and each one's `attribute` passes `wanted` (a filtered page has replaced the last). */
async function untilAuditRows(attribute: string, wanted: (value: string) => boolean) {
  const rows = page.getByTestId('audit').locator('tbody tr');
  for (let attempt = 0; attempt < 100; attempt++) {
    const values = await rows.evaluateAll((trs, name) => trs.map((tr) => tr.getAttribute(name) ?? ''), attribute);
    if (values.length > 0 && values.every(wanted)) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`the audit table never showed only rows whose ${attribute} passes the filter`);
}

describe('audit log and compare', () => {
  it('filters the audit log by model and action, in the URL', async () => {
    await page.goto(`${h.console.url}/audit?model=${MODEL}`);
    const table = page.getByTestId('audit');
    await table.locator('tr[data-action="version.created"]').first().waitFor();
    expect(await table.locator('tr[data-action="version.created"]').count()).toBe(4); // three by hand, one by the pipeline
    await page.getByLabel('Action (or its start)').fill('model.');
    await page.getByRole('button', { name: 'Filter' }).click();
    // The previous page stays on screen until the filtered one arrives: wait for the filtered rows.
    await untilAuditRows('data-action', (action) => action.startsWith('model.'));
    expect(await table.locator('tbody tr').count()).toBe(1);
    expect(await table.locator('tr[data-action="model.created"]').count()).toBe(1);
    expect(page.url()).toContain('action=model.');
    await screenshot(page, 'audit');
    await checkAccessible('audit');
  });

  it("shows every service's entries, merged, and narrows them to one service", async () => {
    await page.goto(`${h.console.url}/audit?model=${MODEL}`);
    const table = page.getByTestId('audit');
    await table.locator('tr[data-service="drift"]').first().waitFor();
    const services = async () =>
      new Set(await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-service'))));
    expect([...(await services())].sort()).toEqual(expect.arrayContaining(['drift', 'experiments', 'registry']));
    await page.getByLabel('Service').selectOption('drift');
    await page.getByRole('button', { name: 'Filter' }).click();
    await untilAuditRows('data-service', (service) => service === 'drift');
    expect([...(await services())]).toEqual(['drift']);
    expect(await table.locator('tr[data-action="monitor.created"]').count()).toBe(1);
    expect(page.url()).toContain('service=drift');
    await screenshot(page, 'audit-service');
    await checkAccessible('audit-service');
  });

  it('compares versions side by side with the differences to the first', async () => {
    await page.goto(`${h.console.url}/models/${MODEL}/compare?versions=1.0.0,1.0.1`);
    const auc = page.getByTestId('compare').locator('tr[data-metric="auc"]');
    await auc.waitFor();
    expect(await auc.locator('td').allTextContents()).toEqual(['0.7000', '0.7500 (+0.05000)']);
    await page.getByRole('checkbox', { name: 'v1.0.2' }).check();
    await auc.locator('td').nth(2).waitFor();
    expect(page.url()).toContain('versions=1.0.0%2C1.0.1%2C1.0.2');
    expect(await auc.locator('td').nth(2).textContent()).toBe('0.7300 (+0.03000)');
    expect(await page.getByTestId('compare').locator('td.differs').count()).toBeGreaterThan(0);
    await screenshot(page, 'compare');
    await checkAccessible('compare');
  });
});

describe('every page visited', () => {
  it('had no page error, console error or failed request', () => {
    expect(problems).toEqual([]);
  });
});
