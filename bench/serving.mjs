// `pnpm bench:serving`: the serving service on a 20-feature logistic model built with
// @modelyard/learners and exported with toOnnx, registered and promoted in a real registry.
// (1) one instance per request (autocannon) vs a bare Fastify route answering the same shape;
// (2) batches of 1,000 instances vs onnxruntime-node called in this process on the same model, as
//     JSON (/v1 predict) and with the Open Inference Protocol's binary tensor data extension (/v2 infer);
// (3) hot swap under 16 concurrent clients: failed requests, promotion answer → new version answering.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations } from '@modelyard/db';
import { LogisticRegression, toOnnx } from '@modelyard/learners';
import autocannon from 'autocannon';
import * as ort from 'onnxruntime-node';
import { ROOT, adminToken, cpuSeconds, mulberry32, normals, start } from './lib.mjs';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/modelyard_bench';
const FEATURES = Array.from({ length: 20 }, (_, i) => `f${i}`);
const BATCH = 1_000;
const BATCH_CALLS = 200;
/** Each batch figure is the best of this many rounds of BATCH_CALLS calls. */
const ROUNDS = 3;
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

/** autocannon against `url`; `pid`: the server's process, whose CPU time per request is reported too. */
async function load(url, connections, body, pid) {
  const before = cpuSeconds(pid);
  const r = await autocannon({ url, method: 'POST', connections, duration: SECONDS, headers, body: JSON.stringify(body) });
  const after = cpuSeconds(pid);
  const cpuUs = before === null || after === null || !r.requests.total ? null : ((after - before) * 1e6) / r.requests.total;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts, cpuUs };
}

/** Instances/s of onnxruntime-node in this process, the same model and batch, float32 tensor built per call. */
async function inProcessBatches(bytes, rows) {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  const run = () => session.run({ input: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, FEATURES.length]) });
  const labels = (await run()).label.data;
  const { rate } = await timedCalls(run, 1);
  await session.release();
  return { rate, labels };
}

/**
 * Instances/s of `one` (a call answering BATCH instances), `clients` callers in parallel: the best
 * of ROUNDS rounds of BATCH_CALLS calls, as the machine is shared. With `pid`, also the CPU time that
 * process used per call (ms), in the best round.
 */
async function timedCalls(one, clients, pid) {
  for (let i = 0; i < 20; i++) await one();
  let best = { rate: 0, cpuMs: null };
  for (let round = 0; round < ROUNDS; round++) {
    let left = BATCH_CALLS;
    const cpuBefore = cpuSeconds(pid);
    const t = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (left-- > 0) await one();
      }),
    );
    const rate = (BATCH_CALLS * BATCH) / ((performance.now() - t) / 1000);
    const cpuAfter = cpuSeconds(pid);
    const cpuMs = cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1000) / BATCH_CALLS;
    if (rate > best.rate) best = { rate, cpuMs };
  }
  return best;
}

/** Through a predict URL (serving's POST /v1/models/:name/predict, or the peer's), the rows as JSON. */
function servedBatches(url, rows, clients, pid) {
  const body = JSON.stringify({ instances: rows });
  return timedCalls(() => fetch(url, { method: 'POST', headers, body }).then((r) => r.arrayBuffer()), clients, pid);
}

/** A /v2 infer body of the binary tensor data extension: the rows as float32 bytes after the JSON header, every output asked for in binary. */
function binaryInferBody(input, rows) {
  const values = Float32Array.from(rows.flat());
  const tensor = {
    name: input,
    shape: [rows.length, FEATURES.length],
    datatype: 'FP32',
    parameters: { binary_data_size: values.byteLength },
  };
  const header = Buffer.from(JSON.stringify({ inputs: [tensor], parameters: { binary_data_output: true } }));
  return { header: header.length, body: Buffer.concat([header, Buffer.from(values.buffer)]) };
}

/** Splits a binary infer answer; returns its outputs with their bytes. */
function binaryOutputs(res, bytes) {
  const length = Number(res.headers.get('inference-header-content-length'));
  const { outputs } = JSON.parse(bytes.toString('utf8', 0, length));
  let offset = length;
  return outputs.map((o) => {
    const size = o.parameters.binary_data_size;
    const out = { ...o, bytes: bytes.subarray(offset, offset + size) };
    offset += size;
    return out;
  });
}

/** Through serving's /v2 infer with binary tensor data; the labels answered are checked against `expected`. */
async function servedBinaryBatches(url, input, rows, clients, expected, pid) {
  const { header, body } = binaryInferBody(input, rows);
  const binaryHeaders = {
    authorization: headers.authorization,
    'content-type': 'application/octet-stream',
    'inference-header-content-length': String(header),
  };
  const one = async () => {
    const res = await fetch(url, { method: 'POST', headers: binaryHeaders, body });
    return { res, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const { res, bytes } = await one();
  if (res.status !== 200) throw new Error(`binary infer: ${res.status} ${bytes.toString('utf8', 0, 300)}`);
  const label = binaryOutputs(res, bytes).find((o) => o.name === 'label');
  const labels = new BigInt64Array(new Uint8Array(label.bytes).buffer);
  if (labels.length !== expected.length || labels.some((v, i) => v !== expected[i]))
    throw new Error('binary infer: labels differ from onnxruntime in process');
  return timedCalls(one, clients, pid);
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

const cpu = (r) => (r.cpuUs === null ? '' : `, ${r.cpuUs.toFixed(0)} µs CPU per request`);

async function perRequest(predictUrl, peerUrl, single, pids) {
  const machine = `node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}`;
  console.log(`(1) one instance per request, ${SECONDS} s each (${machine})`);
  const peer50 = await load(peerUrl, 50, single, pids.peer);
  const ours50 = await load(predictUrl, 50, single, pids.serving);
  const peer10 = await load(peerUrl, 10, single, pids.peer);
  const ours10 = await load(predictUrl, 10, single, pids.serving);
  console.log(`    50 connections  serving ${ours50.rps.toFixed(0)} req/s (p99 ${ours50.p99} ms, ${ours50.errors} errors${cpu(ours50)})`);
  console.log(`                    peer: bare Fastify route ${peer50.rps.toFixed(0)} req/s (p99 ${peer50.p99} ms${cpu(peer50)})`);
  console.log(`                    ratio ${pct(ours50.rps, peer50.rps)} (target >= 40 %)`);
  console.log(
    `    10 connections  serving ${ours10.rps.toFixed(0)} req/s, p50 ${ours10.p50} ms, p99 ${ours10.p99} ms (target <= 10 ms${cpu(ours10)})`,
  );
  console.log(`                    peer: bare Fastify route p50 ${peer10.p50} ms, p99 ${peer10.p99} ms${cpu(peer10)}`);
}

async function batches(urls, bytes, rows, pids) {
  const pid = pids.serving;
  const { rate: inProcess, labels } = await inProcessBatches(bytes, rows);
  // What any JSON-over-HTTP server pays before inference: the same body parsed, an answer per instance.
  const ceiling = await servedBatches(urls.peer, rows, 1, pids.peer);
  const jsonOne = await servedBatches(urls.predict, rows, 1, pid);
  const jsonTwo = await servedBatches(urls.predict, rows, 2, pid);
  const binaryOne = await servedBinaryBatches(urls.infer, urls.input, rows, 1, labels, pid);
  const binaryTwo = await servedBinaryBatches(urls.infer, urls.input, rows, 2, labels, pid);
  const line = (what, { rate, cpuMs }, note = '') => {
    const cpu = cpuMs === null || cpuMs === undefined ? '' : `, server CPU ${cpuMs.toFixed(2)} ms per call`;
    console.log(`    ${what.padEnd(46)}${rate.toFixed(0).padStart(8)} instances/s  ratio ${pct(rate, inProcess)}${note}${cpu}`);
  };
  console.log(`(2) batches of ${BATCH} instances, best of ${ROUNDS} x ${BATCH_CALLS} calls (load average ${loadavg()[0].toFixed(1)})`);
  line('peer: onnxruntime-node in process', { rate: inProcess });
  line('bare Fastify route, JSON, no inference', ceiling, ' (HTTP + JSON alone)');
  line('serving, JSON (/v1 predict), 1 client', jsonOne);
  line('serving, JSON (/v1 predict), 2 clients', jsonTwo);
  line('serving, binary tensors (/v2 infer), 1 client', binaryOne, ' (the figure compared with the target >= 70 %)');
  line('serving, binary tensors (/v2 infer), 2 clients', binaryTwo);
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
// Serving runs as its Deployment and docker-compose entry run it: a 16 MB young generation
// (NODE_OPTIONS there; given after the services' PROCESS_FLAGS here, so it wins). BENCH_SERVING_YOUNG_MB
// sets another size, e.g. 2 for the other services' production flag.
const young = [`--max-semi-space-size=${process.env.BENCH_SERVING_YOUNG_MB ?? 16}`];
const serving = await start(join(ROOT, 'apps/serving'), [...young, ...profile, 'dist/main.js'], PORT + 1, {
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

  const pids = { serving: serving.child.pid, peer: peer.child.pid };
  if (PARTS.has('1')) await perRequest(`${serving.url}/v1/models/${model}/predict`, `${peer.url}/predict`, single, pids);
  if (PARTS.has('2')) {
    const input = (await call(serving.url, 'GET', `/v2/models/${model}`)).inputs[0].name;
    const urls = {
      predict: `${serving.url}/v1/models/${model}/predict`,
      peer: `${peer.url}/predict`,
      infer: `${serving.url}/v2/models/${model}/infer`,
      input,
    };
    await batches(urls, first, rows, pids);
  }
  if (PARTS.has('3')) await swapPart(registry.url, serving.url, model, v1, trainedOnnx(2), rows);
} finally {
  await Promise.all([serving.stop(), registry.stop(), peer.stop()]);
  rmSync(artifacts, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
}
