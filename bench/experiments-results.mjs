// Part (4) of `pnpm bench:experiments`: the cost of results with CUPED and 5 dimensions.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './lib.mjs';

const calculator = pathToFileURL(join(ROOT, 'apps/experiments/dist/results/results.calculator.js')).href;
const breakdownsModule = pathToFileURL(join(ROOT, 'apps/experiments/dist/results/breakdowns.js')).href;
const VARIANTS = ['a', 'b', 'c'];
const METRICS = ['conv', 'revenue', 'latency_ms'];
const DIMENSIONS = ['country', 'platform', 'browser', 'plan', 'region'];
const VALUES = 21; // the 20 kept values + other

const summary = (n, mean, sd) => ({
  n,
  sum: n * mean,
  sumSquares: (n - 1) * sd * sd + n * mean * mean,
  covariate: {
    sum: n * mean * 0.9,
    sumSquares: (n - 1) * sd * sd + n * (mean * 0.9) ** 2,
    crossProducts: 0.7 * (n - 1) * sd * sd + n * mean * mean * 0.9,
  },
});

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** computeResults on synthetic sums (every metric with a covariate, 105 slices), timed per call. */
export async function resultsCompute(runs = 2000) {
  const { computeResults } = await import(calculator);
  const { sliceStatsOf } = await import(breakdownsModule);
  const sums = new Map();
  for (const v of VARIANTS) {
    for (const d of DIMENSIONS) {
      for (let k = 0; k < VALUES; k++) {
        sums.set(`${v}|@${d}|v${k}|n`, 1000);
        sums.set(`${v}|@${d}|v${k}|conv|s`, 100 + k);
        sums.set(`${v}|@${d}|v${k}|conv|q`, 100 + k);
      }
    }
  }
  const input = {
    key: 'bench',
    status: 'running',
    variants: VARIANTS.map((key, i) => ({ key, version: `1.0.${i}`, weight: 1 })),
    control: 'a',
    primary: { name: 'conv', kind: 'continuous', direction: 'higher' },
    guardrails: METRICS.slice(1).map((name) => ({ name, kind: 'continuous', direction: 'lower', maxRelativeDegradation: 0.05 })),
    alpha: 0.05,
    sequential: true,
    minSampleSize: null,
    summaries: Object.fromEntries(
      VARIANTS.map((v, i) => [v, Object.fromEntries(METRICS.map((m) => [m, summary(21_000, 10 + i * 0.1, 3)]))]),
    ),
  };
  const times = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    computeResults({ ...input, slices: sliceStatsOf(sums, 'conv') });
    times.push(performance.now() - t);
  }
  times.sort((x, y) => x - y);
  return { runs, mean: times.reduce((a, b) => a + b, 0) / runs, p99: percentile(times, 0.99) };
}

/** An experiment fed 20,000 units with covariates and 5 dimensions (30 values each: 21 slices kept). */
export async function seedSliced(call, _registryUrl, registryCall) {
  const key = `bench-sliced-${Date.now()}`;
  await registryCall('POST', '/v1/models', { name: key });
  for (let i = 0; i < 3; i++) await registryCall('POST', `/v1/models/${key}/versions`, {});
  await call('POST', '/v1/experiments', {
    key,
    model: key,
    control: 'a',
    primaryMetric: { name: 'revenue', kind: 'continuous' },
    guardrails: [{ name: 'latency_ms', kind: 'continuous', direction: 'lower', maxRelativeDegradation: 0.1 }],
    variants: VARIANTS.map((v, i) => ({ key: v, version: `1.0.${i}`, weight: 1 })),
  });
  await call('POST', `/v1/experiments/${key}/start`);
  const UNITS = 20_000;
  for (let b = 0; b < UNITS; b += 5000) {
    const ids = Array.from({ length: 5000 }, (_, j) => b + j);
    const dims = (i) => Object.fromEntries(DIMENSIONS.map((d, k) => [d, `v${(i * (k + 1)) % 30}`]));
    await call('POST', `/v1/experiments/${key}/exposures`, {
      exposures: ids.map((i) => ({ unit: `s${i}`, covariates: { revenue: i % 17, latency_ms: 90 + (i % 13) }, dimensions: dims(i) })),
    });
    await call('POST', `/v1/experiments/${key}/events`, {
      events: ids.flatMap((i) => [
        { unit: `s${i}`, metric: 'revenue', value: (i % 17) + (i % 5) },
        { unit: `s${i}`, metric: 'latency_ms', value: 95 + (i % 13) },
      ]),
    });
  }
  return key;
}

/** GET /results, sequentially, timed per request (Redis reads + calculation + JSON). */
export async function timeResults(baseUrl, key, token, runs = 300) {
  const get = () =>
    fetch(`${baseUrl}/v1/experiments/${key}/results`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());
  const first = await get();
  const times = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    await get();
    times.push(performance.now() - t);
  }
  times.sort((x, y) => x - y);
  return { runs, slices: first.breakdowns.length, mean: times.reduce((a, b) => a + b, 0) / runs, p99: percentile(times, 0.99) };
}
