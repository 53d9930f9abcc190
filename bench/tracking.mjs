// `pnpm bench:tracking`: the training-run ingestion hot path and metric history reads, against a
// registry process started here (its own database and Redis prefix). Targets (issue 17): a
// log-batch of 1,000 metric points answers in ≤ 50 ms; with 1M points in a run, a page of one
// metric's history answers in ≤ 100 ms. The 1M points go in through the API itself (1,000 batches),
// so the load figure is the ingestion throughput. BENCH_POINTS changes the run's size.
// The peer, measured in the same run and interleaved with the API calls so both see the same load:
// the same single INSERT statement sent straight to Postgres (no HTTP, no validation), i.e. the
// floor any server storing the batch durably pays on this machine at that moment.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPrismaClient } from '@modelyard/db';
import { createTestDatabase } from '@modelyard/db/testing';
import { signJwt, TEST_JWT_SECRET } from '@modelyard/platform/testing';
import { Redis } from 'ioredis';
import { ROOT } from './lib.mjs';

const POINTS = Number(process.env.BENCH_POINTS ?? 1_000_000);
const BATCH = 1000;

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
function summary(ms) {
  const s = [...ms].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p95: quantile(s, 0.95), max: s.at(-1), n: s.length };
}
const fmt = (x) => `${x.toFixed(1)} ms`;
const verdict = (value, target) => (value <= target ? 'met' : 'MISSED');

/** The registry's metrics statement (metrics.repository.ts), sent directly: the database's share. */
function directInsert(prisma, runId, points) {
  const uuid = `${runId.slice(0, 8)}-${runId.slice(8, 12)}-${runId.slice(12, 16)}-${runId.slice(16, 20)}-${runId.slice(20)}`;
  const start = performance.now();
  return prisma
    .$executeRawUnsafe(
      `INSERT INTO registry_tracking_metrics ("runId", key, value, step, timestamp)
       SELECT $1::uuid, k, v, s, t FROM unnest($2::text[], $3::float8[], $4::bigint[], $5::bigint[]) AS u(k, v, s, t)`,
      uuid,
      points.map((p) => p.key),
      points.map((p) => String(p.value)),
      points.map((p) => String(p.step)),
      points.map((p) => String(p.timestamp)),
    )
    .then(() => performance.now() - start);
}

/** The first `count` history pages of 1,000 points of the run's `loss`, in order; their times. */
async function walk(call, run, count) {
  const ms = [];
  let cursor = null;
  for (let i = 0; i < count; i++) {
    const page = await call('GET', `/v1/runs/${run}/metrics/loss?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    if (page.body.items.length !== 1000 || page.body.items[0].step !== i * 1000) throw new Error(`page ${i} is wrong`);
    ms.push(page.ms);
    cursor = page.body.nextCursor;
  }
  return ms;
}

function batchOf(key, from, count, t0) {
  return Array.from({ length: count }, (_, i) => ({ key, value: Math.sin((from + i) / 1000), step: from + i, timestamp: t0 + from + i }));
}

async function main() {
  const db = await createTestDatabase();
  const port = await freePort();
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    REDIS_PREFIX: prefix,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '0',
    ARTIFACT_MIN_FREE_BYTES: '0',
  };
  const server = spawn(process.execPath, [join(ROOT, 'apps/registry/dist/main.js')], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${signJwt({ sub: 'bench', roles: ['admin'] })}`, 'content-type': 'application/json' };
  const call = async (method, path, body) => {
    const start = performance.now();
    const res = await fetch(`${base}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    const ms = performance.now() - start;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return { ms, body: text ? JSON.parse(text) : null };
  };
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 150 || server.exitCode !== null) throw new Error('the registry did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }
    const project = (await call('POST', '/v1/projects', { name: 'bench' })).body.id;
    const newRun = async () => (await call('POST', `/v1/projects/${project}/runs`, { name: 'bench' })).body.id;
    const t0 = Date.now();

    // 1. Log-batch latency on a fresh run: 20 warm-up batches, then 100 measured, both APIs.
    const small = await newRun();
    for (let i = 0; i < 20; i++) await call('POST', `/v1/runs/${small}/log-batch`, { metrics: batchOf('warm', i * BATCH, BATCH, t0) });
    const ours = [];
    const mlflow = [];
    const direct = [];
    const prisma = createPrismaClient(db.url);
    try {
      for (let i = 0; i < 100; i++) {
        ours.push((await call('POST', `/v1/runs/${small}/log-batch`, { metrics: batchOf('ours', i * BATCH, BATCH, t0) })).ms);
        const body = { run_id: small, metrics: batchOf('mlflow', i * BATCH, BATCH, t0), params: [], tags: [] };
        mlflow.push((await call('POST', '/api/2.0/mlflow/runs/log-batch', body)).ms);
        direct.push(await directInsert(prisma, small, batchOf('direct', i * BATCH, BATCH, t0)));
      }
    } finally {
      await prisma.$disconnect();
    }

    // 2. A run with POINTS points of one metric, loaded through the API.
    const big = await newRun();
    const loadStart = performance.now();
    for (let from = 0; from < POINTS; from += BATCH) {
      await call('POST', `/v1/runs/${big}/log-batch`, { metrics: batchOf('loss', from, Math.min(BATCH, POINTS - from), t0) });
    }
    const loadS = (performance.now() - loadStart) / 1000;

    // Reads right after the load compete with autovacuum's pass over the fresh rows; the first
    // walk shows that, the second one the steady state (after the VACUUM ANALYZE autovacuum would do).
    const freshPages = await walk(call, big, 20);
    const settle = createPrismaClient(db.url);
    const vacuumStart = performance.now();
    await settle.$executeRawUnsafe('VACUUM (ANALYZE) registry_tracking_metrics').finally(() => settle.$disconnect());
    const vacuumS = (performance.now() - vacuumStart) / 1000;

    // 3. History pages of 1,000 points: the first 100 pages in order, then pages deep in the series.
    const pages = await walk(call, big, 100);
    // The same pages through MLflow's get-history, from the start of the series.
    const tail = [];
    let token = null;
    const lastPage = await call('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${big}&metric_key=loss&max_results=1000`);
    token = lastPage.body.next_page_token;
    for (let i = 0; i < 50 && token; i++) {
      const page = await call(
        'GET',
        `/api/2.0/mlflow/metrics/get-history?run_id=${big}&metric_key=loss&max_results=1000&page_token=${token}`,
      );
      tail.push(page.ms);
      token = page.body.next_page_token;
    }
    const search = [];
    for (let i = 0; i < 20; i++) {
      search.push(
        (await call('POST', '/v1/runs/search', { projectIds: [project], filter: 'metrics.loss > -2', orderBy: ['metrics.loss DESC'] })).ms,
      );
    }

    const d = summary(direct);
    const a = summary(ours);
    const b = summary(mlflow);
    const f = summary(freshPages);
    const h = summary(pages);
    const m = summary(tail);
    const s = summary(search);
    console.log(`
Tracking benchmark (Node ${process.version}, registry and client on the same machine; times are HTTP round trips)
  log-batch of 1,000 points, /v1 (n=${a.n})            median ${fmt(a.median)}  p95 ${fmt(a.p95)}  max ${fmt(a.max)}  (target ≤ 50 ms: ${verdict(a.p95, 50)} at p95)
  log-batch of 1,000 points, MLflow API (n=${b.n})     median ${fmt(b.median)}  p95 ${fmt(b.p95)}  max ${fmt(b.max)}  (target ≤ 50 ms: ${verdict(b.p95, 50)} at p95)
  peer: the same INSERT straight to Postgres (n=${d.n})  median ${fmt(d.median)}  p95 ${fmt(d.p95)}  max ${fmt(d.max)}  (no HTTP, no validation)
  loading ${POINTS.toLocaleString('en')} points in batches of 1,000              ${loadS.toFixed(1)} s  (${Math.round(POINTS / loadS).toLocaleString('en')} points/s)
  history page right after the load (n=${f.n})             median ${fmt(f.median)}  p95 ${fmt(f.p95)}  max ${fmt(f.max)}  (then VACUUM ANALYZE: ${vacuumS.toFixed(1)} s)
  history page of 1,000 of ${POINTS.toLocaleString('en')}, /v1 (n=${h.n})     median ${fmt(h.median)}  p95 ${fmt(h.p95)}  max ${fmt(h.max)}  (target ≤ 100 ms: ${verdict(h.p95, 100)} at p95)
  history page of 1,000, MLflow get-history (n=${m.n})  median ${fmt(m.median)}  p95 ${fmt(m.p95)}  max ${fmt(m.max)}  (target ≤ 100 ms: ${verdict(m.p95, 100)} at p95)
  run search with a metric filter and order (n=${s.n})   median ${fmt(s.median)}  p95 ${fmt(s.p95)}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
    await db.drop();
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
}

await main();
