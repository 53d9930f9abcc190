// `pnpm bench:serving`: the serving service on a 20-feature logistic model built with
// @modelyard/learners and exported with toOnnx, registered and promoted in a real registry.
// (1) one instance per request (autocannon) vs a bare Fastify route answering the same shape;
// (2) batches of 1,000 instances vs onnxruntime-node called in this process on the same model;
// (3) hot swap under 16 concurrent clients: failed requests, promotion answer → new version answering.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations } from '@modelyard/db';
import { LogisticRegression, toOnnx } from '@modelyard/learners';
import autocannon from 'autocannon';
import * as ort from 'onnxruntime-node';
import { ROOT, adminToken, mulberry32, normals, start } from './lib.mjs';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/modelyard_bench';
const FEATURES = Array.from({ length: 20 }, (_, i) => `f${i}`);
const BATCH = 1_000;
const BATCH_CALLS = 200;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
// BENCH_PARTS=2 (or 1,3): run only those parts.
const PARTS = new Set((process.env.BENCH_PARTS ?? '1,2,3').split(','));
// BENCH_PORT=4931: registry, serving and the peer listen on it and the two ports after it.
const PORT = Number(process.env.BENCH_PORT ?? 3931);
const token = adminToken();
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

/** A logistic model on 20 dense features, trained on a fixed synthetic task (seeded). */
function trainedOnnx(seed) {
  const model = new LogisticRegression({ dim: FEATURES.length });
  const x = normals(FEATURES.length * 20_000, seed);
  const w = normals(FEATURES.length, seed + 1);
  const rnd = mulberry32(seed + 2);
  for (let i = 0; i < 20_000; i++) {
    const row = x.subarray(i * FEATURES.length, (i + 1) * FEATURES.length);
    let z = 0;
    for (let k = 0; k < row.length; k++) z += w[k] * row[k];
    model.learnOne(row, rnd() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
  }
  return toOnnx(model, { input: { kind: 'dense', names: FEATURES } });
}

async function call(base, method, path, body, raw) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: raw ? { authorization: headers.authorization, 'content-type': 'application/octet-stream' } : headers,
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** A new staged version carrying `bytes` as model.onnx, with the 20 features as its input schema. */
async function stagedVersion(registry, model, bytes) {
  const { version } = await call(registry, 'POST', `/v1/models/${model}/versions`, { inputSchema: { inputs: FEATURES } });
  await call(registry, 'PUT', `/v1/models/${model}/versions/${version}/artifacts/model.onnx`, undefined, Buffer.from(bytes));
  await call(registry, 'POST', `/v1/models/${model}/versions/${version}/transitions`, { to: 'staging' });
  return version;
}

async function servedVersion(serving, model) {
  const res = await fetch(`${serving}/v1/models/${model}`, { headers });
  return res.ok ? (await res.json()).production : null;
}

async function untilProduction(serving, model, version) {
  while ((await servedVersion(serving, model)) !== version) await new Promise((r) => setTimeout(r, 50));
}

async function load(url, connections, body) {
  const r = await autocannon({ url, method: 'POST', connections, duration: SECONDS, headers, body: JSON.stringify(body) });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts };
}

/** Instances/s of onnxruntime-node in this process, the same model and batch, float32 tensor built per call. */
async function inProcessBatches(bytes, rows) {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  const run = () => session.run({ input: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, FEATURES.length]) });
  for (let i = 0; i < 20; i++) await run();
  const t = performance.now();
  for (let i = 0; i < BATCH_CALLS; i++) await run();
  const ms = performance.now() - t;
  await session.release();
  return (BATCH_CALLS * rows.length) / (ms / 1000);
}

/** Instances/s through a predict URL (serving's POST /v1/models/:name/predict, or the peer's), `clients` callers in parallel. */
async function servedBatches(url, rows, clients) {
  const body = JSON.stringify({ instances: rows });
  const one = () => fetch(url, { method: 'POST', headers, body }).then((r) => r.arrayBuffer());
  for (let i = 0; i < 20; i++) await one();
  let left = BATCH_CALLS;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (left-- > 0) await one();
    }),
  );
  return (BATCH_CALLS * rows.length) / ((performance.now() - t) / 1000);
}

/** 16 clients predict without pause; the model is promoted to `next` mid-way. */
async function hotSwap(registry, serving, model, next, rows) {
  let stop = false;
  let failed = 0;
  let answered = 0;
  let firstNewAt = null;
  const body = JSON.stringify({ instances: [rows[0]] });
  const clients = Array.from({ length: 16 }, async () => {
    while (!stop) {
      const res = await fetch(`${serving}/v1/models/${model}/predict`, { method: 'POST', headers, body }).catch(() => null);
      if (!res || res.status !== 200) {
        failed++;
        await res?.arrayBuffer();
        continue;
      }
      answered++;
      const { version } = await res.json();
      if (version === next && firstNewAt === null) firstNewAt = performance.now();
    }
  });
  await new Promise((r) => setTimeout(r, 2_000));
  await call(registry, 'POST', `/v1/models/${model}/versions/${next}/promote`, {});
  const promotedAt = performance.now();
  await new Promise((r) => setTimeout(r, 4_000));
  stop = true;
  await Promise.all(clients);
  return { failed, answered, swapMs: firstNewAt === null ? null : firstNewAt - promotedAt };
}

const pct = (a, b) => `${((100 * a) / b).toFixed(0)} %`;

async function perRequest(predictUrl, peerUrl, single) {
  const machine = `node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}`;
  console.log(`(1) one instance per request, ${SECONDS} s each (${machine})`);
  const peer50 = await load(peerUrl, 50, single);
  const ours50 = await load(predictUrl, 50, single);
  const peer10 = await load(peerUrl, 10, single);
  const ours10 = await load(predictUrl, 10, single);
  console.log(`    50 connections  serving ${ours50.rps.toFixed(0)} req/s (p99 ${ours50.p99} ms, ${ours50.errors} errors)`);
  console.log(`                    peer: bare Fastify route ${peer50.rps.toFixed(0)} req/s (p99 ${peer50.p99} ms)`);
  console.log(`                    ratio ${pct(ours50.rps, peer50.rps)} (target >= 40 %)`);
  console.log(`    10 connections  serving ${ours10.rps.toFixed(0)} req/s, p50 ${ours10.p50} ms, p99 ${ours10.p99} ms (target <= 10 ms)`);
  console.log(`                    peer: bare Fastify route p50 ${peer10.p50} ms, p99 ${peer10.p99} ms`);
}

async function batches(predictUrl, peerUrl, bytes, rows) {
  const inProcess = await inProcessBatches(bytes, rows);
  // What any JSON-over-HTTP server pays before inference: the same body parsed, an answer per instance.
  const ceiling = await servedBatches(peerUrl, rows, 1);
  const oneClient = await servedBatches(predictUrl, rows, 1);
  const twoClients = await servedBatches(predictUrl, rows, 2);
  console.log(`(2) batches of ${BATCH} instances, ${BATCH_CALLS} calls (load average ${loadavg()[0].toFixed(1)})`);
  console.log(`    peer: onnxruntime-node in process  ${inProcess.toFixed(0)} instances/s`);
  console.log(
    `    bare Fastify route, no inference   ${ceiling.toFixed(0)} instances/s  ratio ${pct(ceiling, inProcess)} (HTTP + JSON alone)`,
  );
  console.log(
    `    serving, 1 client                  ${oneClient.toFixed(0)} instances/s  ratio ${pct(oneClient, inProcess)} (target >= 70 %)`,
  );
  console.log(`    serving, 2 clients                 ${twoClients.toFixed(0)} instances/s  ratio ${pct(twoClients, inProcess)}`);
}

async function swapPart(registry, serving, model, from, bytes, rows) {
  const to = await stagedVersion(registry, model, bytes);
  const swap = await hotSwap(registry, serving, model, to, rows);
  console.log(`(3) hot swap ${from} -> ${to} under 16 clients (one instance per request)`);
  console.log(`    answered ${swap.answered}, failed ${swap.failed} (target 0)`);
  const took = swap.swapMs === null ? 'never' : `${swap.swapMs.toFixed(0)} ms`;
  console.log(`    promotion answered -> new version answering: ${took} (target <= 2000 ms)`);
}

await applyMigrations(DATABASE_URL);
const artifacts = mkdtempSync(join(tmpdir(), 'bench-serving-artifacts-'));
const cacheDir = mkdtempSync(join(tmpdir(), 'bench-serving-cache-'));
const env = { DATABASE_URL, REDIS_PREFIX: `bench-serving-${Date.now()}` };
const registry = await start(join(ROOT, 'apps/registry'), ['dist/main.js'], PORT, {
  ...env,
  ARTIFACT_DIR: artifacts,
  OUTBOX_POLL_MS: '100',
});
// BENCH_PROFILE_DIR=/tmp/prof: serving writes a CPU profile there when it stops (open it in Chrome DevTools).
const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
const serving = await start(join(ROOT, 'apps/serving'), [...profile, 'dist/main.js'], PORT + 1, {
  ...env,
  REGISTRY_URL: registry.url,
  SERVING_CACHE_DIR: cacheDir,
});
const peer = await start(join(ROOT, 'bench'), ['peer-fastify.mjs'], PORT + 2);
try {
  const model = `bench-serving-${Date.now()}`;
  const first = trainedOnnx(1);
  await call(registry.url, 'POST', '/v1/models', { name: model });
  const v1 = await stagedVersion(registry.url, model, first);
  await call(registry.url, 'POST', `/v1/models/${model}/versions/${v1}/promote`, {});
  await untilProduction(serving.url, model, v1);

  const x = normals(FEATURES.length * BATCH, 42);
  const rows = Array.from({ length: BATCH }, (_, i) => Array.from(x.subarray(i * 20, (i + 1) * 20), (v) => Number(v.toFixed(4))));
  const single = { instances: [rows[0]] };
  const served = await call(serving.url, 'POST', `/v1/models/${model}/predict`, single);
  if (served.version !== v1 || served.predictions.length !== 1) throw new Error(`unexpected answer ${JSON.stringify(served)}`);

  if (PARTS.has('1')) await perRequest(`${serving.url}/v1/models/${model}/predict`, `${peer.url}/predict`, single);
  if (PARTS.has('2')) await batches(`${serving.url}/v1/models/${model}/predict`, `${peer.url}/predict`, first, rows);
  if (PARTS.has('3')) await swapPart(registry.url, serving.url, model, v1, trainedOnnx(2), rows);
} finally {
  await Promise.all([serving.stop(), registry.stop(), peer.stop()]);
  rmSync(artifacts, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
}
