// `pnpm bench:experiments`: (1) local assignment with @modelyard/assignment vs GrowthBook's
// runInlineExperiment on the same 2M ids; (2) HTTP assignment (sticky, Redis) with autocannon vs a
// bare Fastify route answering constant JSON; (3) event ingestion values/s through the batch endpoint;
// (4) results with CUPED and 5 dimensions: the calculation alone, and GET /results end to end.
import { join } from 'node:path';
import { GrowthBookClient } from '@growthbook/growthbook';
import { assigner } from '@modelyard/assignment';
import { applyMigrations } from '@modelyard/db';
import autocannon from 'autocannon';
import { ROOT, adminToken, start } from './lib.mjs';
import { resultsCompute, seedSliced, timeResults } from './experiments-results.mjs';

const IDS = 2_000_000;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/modelyard_bench';

function localAssignment() {
  const ids = Array.from({ length: IDS }, (_, i) => `user-${i}-${(i * 2654435761) >>> 0}`);
  const experiment = { key: 'bench', seed: 'bench', hashVersion: 2, variations: [0, 1], weights: [0.5, 0.5], coverage: 1 };
  const assign = assigner({ seed: 'bench', weights: [0.5, 0.5], coverage: 1 });
  const gb = new GrowthBookClient({});
  const ours = new Int8Array(IDS);
  const theirs = new Int8Array(IDS);
  let t = performance.now();
  for (let i = 0; i < IDS; i++) ours[i] = assign(ids[i]).variant;
  const oursMs = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < IDS; i++) theirs[i] = gb.runInlineExperiment(experiment, { attributes: { id: ids[i] } }).variationId;
  const theirsMs = performance.now() - t;
  let same = 0;
  for (let i = 0; i < IDS; i++) if (ours[i] === theirs[i]) same++;
  return { oursRate: IDS / (oursMs / 1000), theirsRate: IDS / (theirsMs / 1000), same };
}

async function load(url, requestPath, token) {
  let i = 0;
  const result = await autocannon({
    url,
    connections: 32,
    duration: 10,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    requests: [{ setupRequest: (req) => ({ ...req, path: requestPath(i++) }) }],
  });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

const local = localAssignment();
console.log(`(1) local assignment, ${IDS / 1e6}M ids (node ${process.version})`);
console.log(`    @modelyard/assignment   ${(local.oursRate / 1e6).toFixed(2)} M/s`);
console.log(
  `    growthbook runInline    ${(local.theirsRate / 1e6).toFixed(2)} M/s   ratio ${(local.oursRate / local.theirsRate).toFixed(1)}x (target >= 2x)`,
);
console.log(`    identical buckets       ${local.same} / ${IDS}`);

await applyMigrations(DATABASE_URL);
const env = { DATABASE_URL, REDIS_PREFIX: `bench-${Date.now()}` };
const registry = await start(join(ROOT, 'apps/registry'), ['dist/main.js'], 3911, env);
const experiments = await start(join(ROOT, 'apps/experiments'), ['dist/main.js'], 3912, { ...env, REGISTRY_URL: registry.url });
const peer = await start(join(ROOT, 'bench'), ['peer-fastify.mjs'], 3913);
const token = adminToken();
const call = (base, method, path, body) =>
  fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  }).then((r) => r.json());
try {
  const model = `bench-${Date.now()}`;
  await call(registry.url, 'POST', '/v1/models', { name: model });
  await call(registry.url, 'POST', `/v1/models/${model}/versions`, {});
  await call(registry.url, 'POST', `/v1/models/${model}/versions`, {});
  await call(experiments.url, 'POST', '/v1/experiments', {
    key: model,
    model,
    control: 'a',
    primaryMetric: { name: 'conv', kind: 'binomial' },
    variants: [
      { key: 'a', version: '1.0.0', weight: 0.5 },
      { key: 'b', version: '1.0.1', weight: 0.5 },
    ],
  });
  await call(experiments.url, 'POST', `/v1/experiments/${model}/start`);

  const ours = await load(experiments.url, (i) => `/v1/experiments/${model}/assignment?unit=u${i % 200_000}`, token);
  const bare = await load(peer.url, (i) => `/assign?unit=u${i % 200_000}`);
  console.log('\n(2) HTTP assignment, 32 connections, 10 s each');
  console.log(`    experiments service     ${ours.rps.toFixed(0)} req/s   p99 ${ours.p99} ms   errors ${ours.errors}`);
  console.log(`    bare fastify (constant) ${bare.rps.toFixed(0)} req/s   p99 ${bare.p99} ms`);
  console.log(`    ratio ${((100 * ours.rps) / bare.rps).toFixed(0)}% (target >= 35%, p99 <= 5 ms)`);

  const BATCH = 1000;
  const BATCHES = 200;
  const t = performance.now();
  for (let b = 0; b < BATCHES; b += 4) {
    await Promise.all(
      [0, 1, 2, 3].map((k) =>
        call(experiments.url, 'POST', `/v1/experiments/${model}/events`, {
          events: Array.from({ length: BATCH }, (_, j) => ({ unit: `u${((b + k) * BATCH + j) % 200_000}`, metric: 'conv', value: j % 2 })),
        }),
      ),
    );
  }
  const secs = (performance.now() - t) / 1000;
  console.log(`\n(3) event ingestion: ${BATCHES} batches of ${BATCH}, 4 in flight: ${((BATCHES * BATCH) / secs).toFixed(0)} values/s`);

  const pure = await resultsCompute();
  console.log(`\n(4) results with CUPED (3 metrics with covariates) and 5 dimensions × 21 slices, 3 variants`);
  console.log(`    calculation alone       mean ${pure.mean.toFixed(3)} ms   p99 ${pure.p99.toFixed(3)} ms   (${pure.runs} runs)`);
  const sliced = await seedSliced(
    (m, p, b) => call(experiments.url, m, p, b),
    registry.url,
    (m, p, b) => call(registry.url, m, p, b),
  );
  const http = await timeResults(experiments.url, sliced, token);
  console.log(
    `    GET /results (HTTP)     mean ${http.mean.toFixed(2)} ms   p99 ${http.p99.toFixed(2)} ms   (${http.runs} sequential, ${http.slices} slices)`,
  );
  console.log(`    target <= 5 ms per experiment`);
  // Stopped, so later runs (each with a Redis prefix of its own) do not tick this one's leftovers.
  await call(experiments.url, 'POST', `/v1/experiments/${model}/stop`);
} finally {
  await Promise.all([registry.stop(), experiments.stop(), peer.stop()]);
}
process.exit(0);
