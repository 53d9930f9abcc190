import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConsole } from '@modelyard/console/testing';
import { buildDrift } from '@modelyard/drift/testing';
import { buildExperiments } from '@modelyard/experiments/testing';
import { buildLearning } from '@modelyard/learning/testing';
import { metricFamilies, startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '@modelyard/registry/testing';
import { buildServing } from '@modelyard/serving/testing';
import { parse } from 'yaml';
import { K8S_DIR } from '../paths.js';
import { metricNames, seriesNames } from '../promql.js';

const SERVICES = ['registry', 'experiments', 'drift', 'learning', 'serving', 'console'] as const;
/** Series Prometheus records itself for every target, not exposed by the services. */
const PROMETHEUS_OWN = new Set(['up']);

// Every service, as deployed, on one database and Redis prefix; their /metrics are the truth the
// rules and dashboards are checked against.
const apps: TestApp[] = [];
const exposed = new Map<string, Set<string>>();
beforeAll(async () => {
  const registry = await startTestApp(buildRegistry, { ARTIFACT_DIR: mkdtempSync(join(tmpdir(), 'deploy-artifacts-')) });
  const shared = { databaseUrl: registry.databaseUrl, redisPrefix: registry.redisPrefix };
  const experiments = await startTestApp(buildExperiments, { REGISTRY_URL: registry.url }, shared);
  const drift = await startTestApp(buildDrift, {}, shared);
  const learning = await startTestApp(buildLearning, { REGISTRY_URL: registry.url, EXPERIMENTS_URL: experiments.url }, shared);
  const serving = await startTestApp(
    buildServing,
    { REGISTRY_URL: registry.url, EXPERIMENTS_URL: experiments.url, SERVING_CACHE_DIR: mkdtempSync(join(tmpdir(), 'deploy-cache-')) },
    shared,
  );
  const urls = {
    REGISTRY_URL: registry.url,
    EXPERIMENTS_URL: experiments.url,
    DRIFT_URL: drift.url,
    LEARNING_URL: learning.url,
    SERVING_URL: serving.url,
  };
  const consoleApp = await startTestApp(buildConsole, urls, shared);
  apps.push(registry, experiments, drift, learning, serving, consoleApp);
  for (const [i, service] of SERVICES.entries()) {
    const text = (await apps[i]!.request('GET', '/metrics', { as: null })).text;
    exposed.set(service, new Set(metricFamilies(text).flatMap(seriesNames)));
  }
}, 180_000);
afterAll(async () => {
  for (const app of apps.reverse()) await app.close();
}, 60_000);

/** The series names a service exposes, or every service's when the expression names none. */
const known = (service: string | null) => (service ? exposed.get(service)! : new Set([...exposed.values()].flatMap((names) => [...names])));

interface Rule {
  alert: string;
  expr: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
}

describe('Prometheus alerting rules', () => {
  const rules = (
    parse(readFileSync(join(K8S_DIR, 'monitoring', 'prometheus-rules.yaml'), 'utf8')) as { spec: { groups: { rules: Rule[] }[] } }
  ).spec.groups.flatMap((g) => g.rules);

  it('cover service down, queue backlog, drift alerts, failed updates and serving load failures', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'ModelyardServiceDown',
        'ModelyardQueueBacklog',
        'ModelyardDriftAlert',
        'ModelyardPipelineUpdatesFailing',
        'ModelyardServingLoadFailures',
      ]),
    );
    for (const r of rules)
      expect({ alert: r.alert, severity: !!r.labels?.severity, summary: !!r.annotations?.summary }).toEqual({
        alert: r.alert,
        severity: true,
        summary: true,
      });
  });

  it('read only metrics the services expose', () => {
    const all = known(null);
    const unknown = rules.flatMap((r) =>
      metricNames(r.expr)
        .filter((m) => !PROMETHEUS_OWN.has(m) && !all.has(m))
        .map((m) => `${r.alert}: ${m}`),
    );
    expect(unknown).toEqual([]);
    expect(rules.filter((r) => metricNames(r.expr).length === 0)).toEqual([]);
  });
});

describe('Grafana dashboards', () => {
  it.each(SERVICES)("%s: every panel's query reads metrics that service exposes", (service) => {
    const board = JSON.parse(readFileSync(join(K8S_DIR, 'monitoring', 'dashboards', `${service}.json`), 'utf8')) as {
      uid: string;
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(board.uid).toBe(`modelyard-${service}`);
    const names = known(service);
    const queries = board.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));
    expect(queries.length).toBeGreaterThanOrEqual(4);
    const unknown = queries.flatMap((q) =>
      metricNames(q.expr)
        .filter((m) => !names.has(m))
        .map((m) => `${q.panel}: ${m}`),
    );
    expect(unknown).toEqual([]);
    // Each query is scoped to its service (the label every service's registry sets).
    expect(queries.filter((q) => !q.expr.includes(`service="${service}"`))).toEqual([]);
  });
});
