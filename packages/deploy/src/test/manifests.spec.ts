import { join } from 'node:path';
import { K8S_DIR } from '../paths.js';
import { render, type K8sObject } from '../render.js';
import { schemaProblems } from '../schemas.js';

// Every directory users apply: the base, the production overlay and the monitoring bundle.
const DIRS = ['base', 'overlays/production', 'monitoring'];
const rendered = new Map<string, K8sObject[]>();
beforeAll(() => {
  for (const dir of DIRS) rendered.set(dir, render(join(K8S_DIR, dir)));
}, 300_000); // the first run on a machine without kubectl fetches one

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are untyped YAML, read field by field */
const all = (dir: string) => rendered.get(dir)!;
const ofKind = (dir: string, kind: string): any[] => all(dir).filter((o) => o.kind === kind);
const envOf = (d: any): Map<string, string> => new Map(d.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
const QUEUE_SERVICES = ['registry', 'experiments', 'drift', 'learning'];

describe('kubectl kustomize', () => {
  it.each(DIRS)('renders %s into objects that all validate against the Kubernetes schemas', async (dir) => {
    expect(all(dir).length).toBeGreaterThan(dir === 'monitoring' ? 5 : 30);
    const problems = (await Promise.all(all(dir).map(schemaProblems))).flat();
    expect(problems).toEqual([]);
  });

  it('refuses objects that break the schemas (the check can fail)', async () => {
    const broken = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { replicas: 'two', selector: {}, template: {} },
    };
    expect(await schemaProblems(broken)).toEqual(['Deployment/x: data/spec/replicas must be integer']);
    expect(await schemaProblems({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'y' } })).toEqual([
      'Deploymnet/y: no schema for apps/v1 Deploymnet',
    ]);
  });
});

describe('the base', () => {
  it('splits each service with queues into an API deployment without workers and a worker deployment scaled on its backlog', () => {
    const deployments = new Map(ofKind('base', 'Deployment').map((d) => [d.metadata.name as string, d]));
    const hpas = new Map(ofKind('base', 'HorizontalPodAutoscaler').map((h) => [h.spec.scaleTargetRef.name as string, h]));
    for (const name of QUEUE_SERVICES) {
      expect({ name, runWorkers: envOf(deployments.get(name)).get('RUN_WORKERS') }).toEqual({ name, runWorkers: '0' });
      const worker = deployments.get(`${name}-worker`);
      expect({ name, workerOnly: envOf(worker).get('WORKER_ONLY'), service: envOf(worker).get('SERVICE') }).toEqual({
        name,
        workerOnly: '1',
        service: name,
      });
      const external = hpas.get(`${name}-worker`).spec.metrics.find((m: any) => m.type === 'External');
      expect(external.external.metric.name).toBe('ml_queue_jobs');
      expect(external.external.metric.selector.matchLabels.state).toBe('waiting');
    }
    expect([...deployments.keys()].sort()).toEqual(
      ['console', 'serving', ...QUEUE_SERVICES, ...QUEUE_SERVICES.map((n) => `${n}-worker`)].sort(),
    );
  });

  it('hardens every pod: non-root, seccomp, no capabilities, read-only root, probes, resources, schema wait, graceful stop', () => {
    for (const d of ofKind('base', 'Deployment')) {
      const pod = d.spec.template.spec;
      const [c] = pod.containers;
      const name = d.metadata.name;
      expect({ name, pod: pod.securityContext }).toMatchObject({
        name,
        pod: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      });
      expect({ name, c: c.securityContext }).toEqual({
        name,
        c: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
      });
      expect({ name, automount: pod.automountServiceAccountToken }).toEqual({ name, automount: false });
      expect({ name, probes: [!!c.livenessProbe, !!c.readinessProbe, !!c.startupProbe] }).toEqual({ name, probes: [true, true, true] });
      expect({ name, requests: !!c.resources.requests.memory, limit: !!c.resources.limits.memory }).toEqual({
        name,
        requests: true,
        limit: true,
      });
      expect({ name, init: pod.initContainers?.map((i: any) => i.command.slice(0, 2)) }).toEqual({
        name,
        init: [['node', 'packages/db/dist/cli/wait-for-schema.js']],
      });
      // The pod keeps answering through preStop (or serving's own delay), then drains within the grace period.
      const preStop = Number(c.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
      expect({ name, fits: pod.terminationGracePeriodSeconds >= preStop + 20 }).toEqual({ name, fits: true });
    }
  });

  it('gives every deployment a disruption budget and its pods the label the network policies select', () => {
    const budgets = new Map(ofKind('base', 'PodDisruptionBudget').map((p) => [p.spec.selector.matchLabels['app.kubernetes.io/name'], p]));
    for (const d of ofKind('base', 'Deployment')) {
      const labels = d.spec.template.metadata.labels;
      expect({ d: d.metadata.name, budget: budgets.get(labels['app.kubernetes.io/name'])?.spec.maxUnavailable }).toEqual({
        d: d.metadata.name,
        budget: 1,
      });
      expect(labels['app.kubernetes.io/part-of']).toBe('modelyard');
    }
    const policies = ofKind('base', 'NetworkPolicy');
    const deny = policies.find((p) => p.metadata.name === 'modelyard-default-deny-ingress');
    expect(deny.spec).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'modelyard' } }, policyTypes: ['Ingress'] });
    expect(policies.map((p) => p.metadata.name).sort()).toEqual([
      'modelyard-default-deny-ingress',
      'modelyard-from-ingress',
      'modelyard-from-modelyard',
      'modelyard-from-prometheus',
    ]);
  });

  it('points every Service and autoscaler at a deployment that exists, and only the API pods take ingress traffic', () => {
    const deployments = ofKind('base', 'Deployment');
    for (const s of ofKind('base', 'Service')) {
      const selected = deployments.filter((d) =>
        Object.entries(s.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
      );
      expect({ service: s.metadata.name, selects: selected.map((d) => d.metadata.name) }).toEqual({
        service: s.metadata.name,
        selects: [s.metadata.name],
      });
    }
    const names = new Set(deployments.map((d) => d.metadata.name));
    for (const h of ofKind('base', 'HorizontalPodAutoscaler')) expect(names.has(h.spec.scaleTargetRef.name)).toBe(true);
    const fromIngress = ofKind('base', 'NetworkPolicy').find((p) => p.metadata.name === 'modelyard-from-ingress');
    expect(fromIngress.spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe('api');
  });
});

describe('the production overlay', () => {
  it('pins the image tag and runs three registry replicas', () => {
    const registry = ofKind('overlays/production', 'Deployment').find((d) => d.metadata.name === 'registry');
    expect(registry.spec.replicas).toBe(3);
    expect(registry.spec.template.spec.containers[0].image).toBe('ghcr.io/modelyard/modelyard:0.1.0');
    expect(registry.spec.template.spec.initContainers[0].image).toBe('ghcr.io/modelyard/modelyard:0.1.0');
  });
});
