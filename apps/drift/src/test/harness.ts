import { prng, startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildDrift } from '../config.js';

export const startDrift = (env: Record<string, string> = {}) => startTestApp(buildDrift, env);

/** Standard normal draws from a seeded generator (Box–Muller). */
export function normals(seed: number) {
  const rand = prng(seed);
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export function monitorBody(name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    model: 'churn',
    features: [
      { name: 'age', kind: 'numeric' },
      { name: 'income', kind: 'numeric' },
      { name: 'plan', kind: 'categorical' },
    ],
    window: { size: 500 },
    schedule: { everySeconds: 3600 },
    ...extra,
  };
}

/** Records of the three-feature monitor; `shiftAge` moves age's mean by that many sds. */
export function records(seed: number, n: number, shiftAge = 0) {
  const z = normals(seed);
  const plans = ['basic', 'pro', 'team'];
  return Array.from({ length: n }, (_, i) => ({
    features: { age: 40 + 10 * (z() + shiftAge), income: 50_000 + 8_000 * z(), plan: plans[(i * 7 + seed) % 3]! },
  }));
}

export async function createMonitor(app: TestApp, name: string, extra: Record<string, unknown> = {}) {
  const res = await app.request('POST', '/v1/monitors', { body: monitorBody(name, extra) });
  if (res.status !== 201) throw new Error(`monitor not created: ${res.status} ${res.text}`);
  return res.body as { id: string; webhookSecret?: string };
}
