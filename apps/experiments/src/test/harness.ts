import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '@modelyard/registry/testing';
import { buildExperiments } from '../config.js';

export interface Harness {
  registry: TestApp;
  experiments: TestApp;
  close(): Promise<void>;
}

/** A real registry and a real experiments service talking to it over HTTP, as in production. */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const registry = await startTestApp(buildRegistry);
  const experiments = await startTestApp(buildExperiments, { REGISTRY_URL: registry.url, ...env });
  return {
    registry,
    experiments,
    async close() {
      await experiments.close();
      await registry.close();
    },
  };
}

/** A model with versions 1.0.0 … 1.0.(n-1) in the registry. */
export async function modelWithVersions(registry: TestApp, name: string, n = 2) {
  await registry.request('POST', '/v1/models', { body: { name } });
  for (let i = 0; i < n; i++) await registry.request('POST', `/v1/models/${name}/versions`, { body: {} });
}

export function experimentBody(key: string, model: string, extra: Record<string, unknown> = {}) {
  return {
    key,
    model,
    variants: [
      { key: 'control', version: '1.0.0', weight: 0.5 },
      { key: 'treatment', version: '1.0.1', weight: 0.5 },
    ],
    control: 'control',
    primaryMetric: { name: 'conversion', kind: 'binomial', direction: 'higher' },
    ...extra,
  };
}
