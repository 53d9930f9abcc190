// `pnpm bench:experiments`: (1) local assignment with @modelyard/assignment vs GrowthBook's
// runInlineExperiment on the same 2M ids; (2) HTTP assignment (sticky, Redis) with autocannon vs a
// bare Fastify route answering constant JSON; (3) event ingestion values/s through the batch endpoint;
// (4) results with CUPED and 5 dimensions: the calculation alone, and GET /results end to end.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { GrowthBookClient } from '@growthbook/growthbook';
import { assigner } from '@modelyard/assignment';
import { applyMigrations } from '@modelyard/db';
import autocannon from 'autocannon';
import { ROOT, adminToken, cpuSeconds, start } from './lib.mjs';
import { resultsCompute, seedSliced, timeResults } from './experiments-results.mjs';

const IDS = 2_000_000;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/modelyard_bench';
// BENCH_PARTS=2 (or 1,3): run only those parts; BENCH_SECONDS: length of each HTTP load.
const PARTS = new Set((process.env.BENCH_PARTS ?? '1,2,3,4').split(','));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
// BENCH_CONNECTIONS=10 (or 50,10): the concurrency levels of part 2. BENCH_EXPERIMENTS_YOUNG_MB=16:
// the service with that young generation instead of the production flag's 2 MB (PROCESS_FLAGS).
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '50,10').split(',').map(Number);

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

/** autocannon against `url`; `pid`: the server's process, whose CPU time per request is reported too. */
async function load(url, connections, requestPath, token, pid) {
  let i = 0;
  const before = cpuSeconds(pid);
  const result = await autocannon({
    url,
    connections,
    duration: SECONDS,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    requests: [{ setupRequest: (req) => ({ ...req, path: requestPath(i++) }) }],
  });
  const after = cpuSeconds(pid);
  const total = result.requests.total;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
    cpuUs: before === null || after === null || !total ? null : ((after - before) * 1e6) / total,
  };
}

const cpu = (r) => (r.cpuUs === null ? '' : `   ${r.cpuUs.toFixed(0)} µs CPU per request`);

/** Sticky assignment against the bare peer, side by side: 50 connections, then 10. */
async function httpAssignment(experimentsUrl, peerUrl, model, token, pids) {
  const ourPath = (i) => `/v1/experiments/${model}/assignment?unit=u${i % 200_000}`;
  const peerPath = (i) => `/assign?unit=u${i % 200_000}`;
  for (const connections of CONNECTIONS) {
    const bare = await load(peerUrl, connections, peerPath, undefined, pids.peer);
    const ours = await load(experimentsUrl, connections, ourPath, token, pids.experiments);
    console.log(`\n(2) HTTP assignment, ${connections} connections, ${SECONDS} s each (load average ${loadavg()[0].toFixed(1)})`);
    console.log(
      `    experiments service     ${ours.rps.toFixed(0)} req/s   p50 ${ours.p50} ms   p99 ${ours.p99} ms   errors ${ours.errors}${cpu(ours)}`,
    );
    console.log(`    bare fastify (constant) ${bare.rps.toFixed(0)} req/s   p50 ${bare.p50} ms   p99 ${bare.p99} ms${cpu(bare)}`);
    const target = connections === 50 ? 'target >= 50%' : 'target p99 <= 5 ms';
    console.log(`    ratio ${((100 * ours.rps) / bare.rps).toFixed(0)}% (${target})`);
  }
}

if (PARTS.has('1')) {
  const local = localAssignment();
  console.log(`(1) local assignment, ${IDS / 1e6}M ids (node ${process.version})`);
  console.log(`    @modelyard/assignment   ${(local.oursRate / 1e6).toFixed(2)} M/s`);
  console.log(
    `    growthbook runInline    ${(local.theirsRate / 1e6).toFixed(2)} M/s   ratio ${(local.oursRate / local.theirsRate).toFixed(1)}x (target >= 2x)`,
  );
  console.log(`    identical buckets       ${local.same} / ${IDS}`);
}

await applyMigrations(DATABASE_URL);
const env = { DATABASE_URL, REDIS_PREFIX: `bench-${Date.now()}` };
const registry = await start(join(ROOT, 'apps/registry'), ['dist/main.js'], 3911, env);
const young = process.env.BENCH_EXPERIMENTS_YOUNG_MB ? [`--max-semi-space-size=${process.env.BENCH_EXPERIMENTS_YOUNG_MB}`] : [];
const experiments = await start(join(ROOT, 'apps/experiments'), [...young, 'dist/main.js'], 3912, { ...env, REGISTRY_URL: registry.url });
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

  if (PARTS.has('2')) {
    await httpAssignment(experiments.url, peer.url, model, token, { experiments: experiments.child.pid, peer: peer.child.pid });
  }

  if (PARTS.has('3')) {
    const BATCH = 1000;
    const BATCHES = 200;
    const t = performance.now();
    for (let b = 0; b < BATCHES; b += 4) {
      await Promise.all(
        [0, 1, 2, 3].map((k) =>
          call(experiments.url, 'POST', `/v1/experiments/${model}/events`, {
            events: Array.from({ length: BATCH }, (_, j) => ({
              unit: `u${((b + k) * BATCH + j) % 200_000}`,
              metric: 'conv',
              value: j % 2,
            })),
          }),
        ),
      );
    }
    const secs = (performance.now() - t) / 1000;
    console.log(`\n(3) event ingestion: ${BATCHES} batches of ${BATCH}, 4 in flight: ${((BATCHES * BATCH) / secs).toFixed(0)} values/s`);
  }
  if (PARTS.has('4')) {
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
  }
  // Stopped, so later runs (each with a Redis prefix of its own) do not tick this one's leftovers.
  await call(experiments.url, 'POST', `/v1/experiments/${model}/stop`);
} finally {
  await Promise.all([registry.stop(), experiments.stop(), peer.stop()]);
}
process.exit(0);
