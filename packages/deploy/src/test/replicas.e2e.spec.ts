import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExperiments } from '@modelyard/experiments/testing';
import { buildLearning } from '@modelyard/learning/testing';
import { startTestApp, tokenFor, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '@modelyard/registry/testing';

// Two replicas of registry, experiments and learning on one database and one Redis prefix, as a
// Deployment with replicas: 2 runs them; requests alternate between them as a Service spreads them.
// (Two drift replicas checking a window once: apps/drift/src/test/replicas.e2e.spec.ts.)
const apps: TestApp[] = [];
let registry: [TestApp, TestApp];
let experiments: [TestApp, TestApp];
let learning: [TestApp, TestApp];
let shared: { databaseUrl: string; redisPrefix: string };
const RATE_LIMIT = 12;

beforeAll(async () => {
  const artifacts = mkdtempSync(join(tmpdir(), 'replicas-artifacts-'));
  const first = await startTestApp(buildRegistry, { ARTIFACT_DIR: artifacts });
  shared = { databaseUrl: first.databaseUrl, redisPrefix: first.redisPrefix };
  const second = await startTestApp(buildRegistry, { ARTIFACT_DIR: artifacts }, shared);
  registry = [first, second];
  experiments = [
    await startTestApp(buildExperiments, { REGISTRY_URL: first.url }, shared),
    await startTestApp(buildExperiments, { REGISTRY_URL: second.url }, shared),
  ];
  learning = [
    await startTestApp(buildLearning, { REGISTRY_URL: first.url }, shared),
    await startTestApp(buildLearning, { REGISTRY_URL: second.url }, shared),
  ];
  apps.push(...registry, ...experiments, ...learning);
}, 120_000);
afterAll(async () => {
  for (const app of apps.reverse()) await app.close();
}, 60_000);

async function ok(app: TestApp, method: string, path: string, body?: unknown, as?: { bearer: string }) {
  const res = await app.request(method, path, { ...(body === undefined ? {} : { body }), ...(as ? { as } : {}) });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
  return res.body;
}

describe('two replicas of each service', () => {
  it('share one rate limit per credential: the budget is spent across both', async () => {
    // Two more replicas with a limit set, on the same database and Redis (the test's own run no limit).
    const env = { ARTIFACT_DIR: mkdtempSync(join(tmpdir(), 'replicas-limited-')), RATE_LIMIT_MAX: String(RATE_LIMIT) };
    const limited = [await startTestApp(buildRegistry, env, shared), await startTestApp(buildRegistry, env, shared)];
    apps.push(...limited);
    const caller = { bearer: tokenFor('viewer', 'replicas-rate-limit') };
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 4; i++) statuses.push((await limited[i % 2]!.request('GET', '/v1/models', { as: caller })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(RATE_LIMIT);
    expect(statuses.slice(RATE_LIMIT)).toEqual([429, 429, 429, 429]);
  });

  it('leave exactly one production version when promotions of different versions race on both', async () => {
    await ok(registry[0], 'POST', '/v1/models', { name: 'raced' });
    const versions = ['1.0.0', '1.0.1', '1.0.2', '1.0.3', '1.0.4', '1.0.5'];
    for (const version of versions) {
      await ok(registry[1], 'POST', '/v1/models/raced/versions', { version });
      await ok(registry[0], 'POST', `/v1/models/raced/versions/${version}/transitions`, { to: 'staging' });
    }
    const answers = await Promise.all(
      versions.map((v, i) => registry[i % 2]!.request('POST', `/v1/models/raced/versions/${v}/promote`, { body: { reason: 'race' } })),
    );
    expect(answers.map((a) => a.status)).toEqual(versions.map(() => 200));
    for (const replica of registry) {
      const listed = (await ok(replica, 'GET', '/v1/models/raced/versions?limit=50')).items as { version: string; stage: string }[];
      expect(listed.filter((v) => v.stage === 'production')).toHaveLength(1);
      expect(listed.filter((v) => v.stage === 'archived')).toHaveLength(versions.length - 1);
    }
    // The promotions were serialised: each archived the one before it, so the audit log is a chain.
    const audit = (await ok(registry[0], 'GET', '/v1/audit?model=raced&action=version.promoted&limit=50')).items as {
      before: { production: { version: string } | null } | null;
      after: { production: { version: string } };
    }[];
    const chain = audit.reverse().map((e) => [e.before?.production?.version ?? null, e.after.production.version]);
    expect(chain).toHaveLength(versions.length);
    for (let i = 1; i < chain.length; i++) expect(chain[i]![0]).toBe(chain[i - 1]![1]);
  });

  it("give a unit the same variant whichever replica answers, also across the experiment's start on the other", async () => {
    await ok(registry[0], 'POST', '/v1/models', { name: 'replicated-exp' });
    for (const version of ['1.0.0', '1.0.1']) await ok(registry[1], 'POST', '/v1/models/replicated-exp/versions', { version });
    await ok(experiments[0], 'POST', '/v1/experiments', {
      key: 'replicated',
      model: 'replicated-exp',
      variants: [
        { key: 'control', version: '1.0.0', weight: 1 },
        { key: 'treatment', version: '1.0.1', weight: 1 },
      ],
      control: 'control',
      primaryMetric: { name: 'conversion', kind: 'binomial', direction: 'higher' },
    });
    await ok(experiments[1], 'POST', '/v1/experiments/replicated/start');
    const units = Array.from({ length: 600 }, (_, i) => `unit-${i}`);
    const [viaA, viaB] = await Promise.all(
      experiments.map((app, k) => ok(app, 'POST', '/v1/experiments/replicated/assignments', { units: k ? [...units].reverse() : units })),
    );
    const variants = (items: { unit: string; variant: string }[]) => new Map(items.map((a) => [a.unit, a.variant]));
    const a = variants(viaA.items);
    const b = variants(viaB.items);
    expect(units.filter((u) => a.get(u) !== b.get(u))).toEqual([]);
    const treated = units.filter((u) => a.get(u) === 'treatment').length;
    expect(treated).toBeGreaterThan(240);
    expect(treated).toBeLessThan(360);
  });

  it('run one update at a time per pipeline although both replicas are triggered at once', async () => {
    await ok(registry[0], 'POST', '/v1/models', { name: 'replicated-learning' });
    const features = ['f0', 'f1'];
    await ok(learning[0], 'POST', '/v1/pipelines', {
      name: 'replicated',
      model: 'replicated-learning',
      learner: { type: 'logistic_regression', optimizer: 'sgd' },
      features: features.map((name) => ({ name, kind: 'numeric' })),
      target: 'label',
      strategy: 'mini_batch',
      batchSize: 100_000,
      gate: { metric: 'accuracy', direction: 'higher', holdout: 50 },
    });
    let state = 7;
    const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
    for (let round = 0; round < 3; round++) {
      const samples = Array.from({ length: 400 }, () => {
        const f0 = uniform() * 2 - 1;
        const f1 = uniform() * 2 - 1;
        return { f0, f1, label: f0 + f1 > 0 ? 1 : 0 };
      });
      await ok(learning[round % 2]!, 'POST', '/v1/pipelines/replicated/samples', { samples });
      const triggers = await Promise.all(learning.map((app) => app.request('POST', '/v1/pipelines/replicated/trigger')));
      expect(triggers.map((t) => t.status)).toEqual([202, 202]);
      for (let i = 0; i < 400; i++) {
        const history = await ok(learning[0], 'GET', '/v1/pipelines/replicated/history?limit=50');
        if (history.items.length > round) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    const runs = (
      (await ok(learning[1], 'GET', '/v1/pipelines/replicated/history?limit=50')).items as {
        seq: number;
        startedAt: string;
        finishedAt: string;
      }[]
    ).reverse();
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(new Set(runs.map((r) => r.seq)).size).toBe(runs.length);
    for (let i = 1; i < runs.length; i++)
      expect(Date.parse(runs[i]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(runs[i - 1]!.finishedAt));
  });
});
