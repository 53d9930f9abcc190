// `pnpm bench:drift`: the drift service started from its build, on a fresh database.
//   1. ingestion values/s through POST /v1/monitors/:id/records: batches of 1,000 records × 20
//      numeric features, CLIENTS concurrent clients for SECONDS (bodies serialised beforehand so
//      the clients spend their CPU on sending, not on JSON.stringify);
//   2. a check of 100 numeric features, 10k window vs 10k reference, timed inside the worker (the
//      report's durationMs: load window and reference, decode, run the tests), once with the `ks`
//      test and once with `auto` (normed Wasserstein at this reference size), next to scipy
//      (drift_scipy.py) running the same tests on the same data in the same run. Results must
//      agree (KS statistics identical, p-values and distances to 1e-9 relative) or it exits 1;
//   3. a check of 100 numeric features over a 7-day window of 100M records from sketches, timed in
//      the worker (drift-window.mjs).
// Part 1 also measures ingestion with ids and 5 % missing values, and label joins (labels/s through
// POST /v1/monitors/:id/labels). BENCH_PARTS=1,2,3 picks parts; BENCH_TESTS=ks (or auto) runs only
// that check of part 2.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations } from '@modelyard/db';
import { Redis } from 'ioredis';
import { benchWindow, cpuSeconds } from './drift-window.mjs';
import { ROOT, adminToken, normals, relErr, start } from './lib.mjs';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/modelyard_bench_drift';
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 6);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FEATURES = 100;
const ROWS = 10_000;
const PARTS = new Set((process.env.BENCH_PARTS ?? '1,2,3').split(','));
const TESTS = (process.env.BENCH_TESTS ?? 'ks,auto').split(',');
const LABELLED = 100_000;

await applyMigrations(DATABASE_URL);
const PREFIX = `bench-drift-${Date.now()}`;
const MODEL = `bench-${Date.now()}`;
// BENCH_CPU_PROF=<dir>: the service writes a V8 CPU profile there when it stops (node --cpu-prof).
const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
const service = await start(join(ROOT, 'apps/drift'), [...profile, 'dist/main.js'], 3923, { DATABASE_URL, REDIS_PREFIX: PREFIX });
const token = adminToken();
const call = async (method, path, body) => {
  const headers = { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) };
  const res = await fetch(`${service.url}${path}`, {
    method,
    headers,
    body: typeof body === 'string' ? body : body && JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
};
const monitor = (name, features, test, extra = {}) =>
  call('POST', '/v1/monitors', {
    name,
    model: MODEL,
    features: Array.from({ length: features }, (_, f) => ({ name: `f${f}`, kind: 'numeric', test })),
    window: { size: ROWS },
    schedule: { everySeconds: 86_400 },
    alertRules: [],
    ...extra,
  });
/** Records of `features` numeric features from column-major data. */
const batchBody = (columns, features, from, n) =>
  JSON.stringify({
    records: Array.from({ length: n }, (_, i) => ({
      features: Object.fromEntries(Array.from({ length: features }, (_, f) => [`f${f}`, columns[f][from + i]])),
    })),
  });

/** Ingestion values/s through the HTTP endpoint: CLIENTS clients sending the prepared bodies for SECONDS. */
async function measureIngestion(name, bodies, what) {
  const ingest = await monitor(name, 20, 'auto');
  await call('POST', `/v1/monitors/${ingest.id}/records`, bodies[0]); // warm-up
  let sent = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  const cpu0 = cpuSeconds(service.child.pid);
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let k = c; performance.now() < deadline; k += CLIENTS) {
        await call('POST', `/v1/monitors/${ingest.id}/records`, bodies[k % bodies.length]);
        sent++;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(service.child.pid) - cpu0;
  const counted = (await call('GET', `/v1/monitors/${ingest.id}`)).recordsIngested;
  console.log(
    `(1) ingestion, batches of 1,000 records × 20 features${what}, ${CLIENTS} clients, ${secs.toFixed(1)} s (node ${process.version})`,
  );
  console.log(
    `    ${((sent * 20_000) / secs).toFixed(0)} values/s   ${((sent * 1000) / secs).toFixed(0)} records/s   (target >= 400,000 values/s); ${((sent * 20_000) / cpu).toFixed(0)} values per CPU second of the service; load average ${loadAverage()}`,
  );
  console.log(`    records counted by the service: ${counted} (sent ${(sent + 1) * 1000})`);
  if (counted !== (sent + 1) * 1000) throw new Error('the service counted a different number of records');
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Label joins/s: LABELLED records with ids and a prediction ingested, then their labels sent in batches of 10,000 by CLIENTS clients. */
async function measureLabelJoins(data) {
  const m = await monitor('labels', 20, 'auto', {
    prediction: { name: 'churned', kind: 'categorical' },
    label: { name: 'churned', kind: 'categorical', positive: 'yes' },
  });
  for (let b = 0; b < LABELLED / 1000; b++) {
    const body = JSON.parse(batchBody(data, 20, (b % 50) * 1000, 1000));
    body.records.forEach((r, i) => Object.assign(r, { id: `r${b * 1000 + i}`, prediction: i % 3 ? 'yes' : 'no' }));
    await call('POST', `/v1/monitors/${m.id}/records`, JSON.stringify(body));
  }
  // Out of order: batch k holds ids k, k + 10, k + 20, …
  const batches = Array.from({ length: LABELLED / 10_000 }, (_, k) =>
    JSON.stringify({ labels: Array.from({ length: 10_000 }, (_, i) => ({ id: `r${k + 10 * i}`, label: i % 4 ? 'yes' : 'no' })) }),
  );
  let matched = 0;
  const t0 = performance.now();
  const cpu0 = cpuSeconds(service.child.pid);
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let k = c; k < batches.length; k += CLIENTS) {
        // Read the answer first: `matched += await …` would add to the value from before the wait.
        const answer = await call('POST', `/v1/monitors/${m.id}/labels`, batches[k]);
        matched += answer.matched;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(service.child.pid) - cpu0;
  console.log(`(1b) label joins, ${LABELLED.toLocaleString('en')} labels in batches of 10,000, ${CLIENTS} clients, ${secs.toFixed(2)} s`);
  console.log(
    `    ${(LABELLED / secs).toFixed(0)} labels/s   (target >= 100,000 labels/s); ${(LABELLED / cpu).toFixed(0)} labels per CPU second of the service; matched ${matched} of ${LABELLED}; load average ${loadAverage()}`,
  );
  if (matched !== LABELLED) throw new Error('labels did not all find their records');
}

const dir = mkdtempSync(join(tmpdir(), 'bench-drift-'));
try {
  // ---- 1. ingestion: complete records, then records with ids and 5 % of their values missing (null)
  const data = Array.from({ length: 20 }, (_, f) => normals(50_000, 100 + f));
  if (PARTS.has('1'))
    await measureIngestion(
      'ingest',
      Array.from({ length: 50 }, (_, b) => batchBody(data, 20, b * 1000, 1000)),
      '',
    );
  // One feature in 20 of each record is null (which one rotates with the record).
  const holed = data.map((column, f) => Array.from(column, (v, i) => (f === (i * 7) % 20 ? null : v)));
  const withIds = (body, b) => {
    const parsed = JSON.parse(body);
    parsed.records.forEach((r, i) => (r.id = `b${b}-${i}`));
    return JSON.stringify(parsed);
  };
  if (PARTS.has('1')) {
    await measureIngestion(
      'ingest-missing',
      Array.from({ length: 50 }, (_, b) => withIds(batchBody(holed, 20, b * 1000, 1000), b)),
      ', ids, 5 % of the values null',
    );
    await measureLabelJoins(data);
  }

  // ---- 2. check of 100 features × 10k vs 10k
  if (PARTS.has('2')) await benchCheck();
  // ---- 3. a 7-day window of 100M records from sketches (simulated buckets; see drift-window.mjs)
  if (PARTS.has('3')) await benchWindow({ call, prefix: PREFIX, monitor, pid: service.child.pid });
} finally {
  rmSync(dir, { recursive: true, force: true });
  await service.stop();
  // The bench's windows and queues go with it.
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = await redis.keys(`${PREFIX}:*`);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  await redis.quit();
}
process.exit(0);

async function benchCheck() {
  const ref = Array.from({ length: FEATURES }, (_, f) => normals(ROWS, 1000 + f, 0, 1));
  // Assorted drift: every third feature shifted, every fifth rescaled, the rest unchanged.
  const cur = Array.from({ length: FEATURES }, (_, f) => normals(ROWS, 5000 + f, f % 3 === 0 ? 0.05 * (f % 7) : 0, f % 5 === 0 ? 1.2 : 1));
  const refFile = join(dir, 'ref.f64');
  const curFile = join(dir, 'cur.f64');
  const flat = (cols) => {
    const out = new Float64Array(FEATURES * ROWS);
    cols.forEach((c, f) => out.set(c, f * ROWS));
    return out;
  };
  writeFileSync(refFile, flat(ref));
  writeFileSync(curFile, flat(cur));
  const scipyRun = new Promise((resolve, reject) => {
    // Started after ingestion, run while nothing else is measured on our side.
    const child = spawn(
      'python3',
      [join(ROOT, 'bench/drift_scipy.py'), JSON.stringify({ ref: refFile, cur: curFile, features: FEATURES, rows: ROWS, runs: RUNS })],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`drift_scipy.py exited with ${code}`))));
  });
  const scipy = await scipyRun;

  const ours = {};
  for (const test of TESTS) {
    const m = await monitor(`check-${test}`, FEATURES, test);
    for (let b = 0; b < ROWS / 1000; b++) await call('POST', `/v1/monitors/${m.id}/records`, batchBody(cur, FEATURES, b * 1000, 1000));
    const columns = JSON.stringify({ columns: Object.fromEntries(ref.map((c, f) => [`f${f}`, Array.from(c)])) });
    const durations = [];
    let report;
    for (let r = 0; r < RUNS; r++) {
      // A new reference version makes the same window a new check (one report per window and reference).
      await call('POST', `/v1/monitors/${m.id}/reference`, columns);
      report = await call('POST', `/v1/monitors/${m.id}/check`);
      durations.push(report.durationMs);
    }
    ours[test] = { ms: Math.min(...durations), all: durations, report };
  }

  let worst = { ksStat: 0, ksP: 0, w: 0 };
  ours.ks?.report.features.forEach((f, i) => {
    const [stat, p] = scipy.ks[i];
    worst.ksStat = Math.max(worst.ksStat, relErr(f.statistic, stat));
    worst.ksP = Math.max(worst.ksP, relErr(f.pValue, p));
    if (f.test !== 'ks') throw new Error(`feature ${f.name} ran ${f.test}`);
  });
  ours.auto?.report.features.forEach((f, i) => {
    if (f.test !== 'wasserstein') throw new Error(`auto picked ${f.test} for ${f.name}`);
    worst.w = Math.max(worst.w, relErr(f.statistic, scipy.wasserstein[i]));
  });
  console.log(
    `\n(2) check of ${FEATURES} numeric features, ${ROWS / 1000}k window vs ${ROWS / 1000}k reference, best of ${RUNS} (scipy ${scipy.scipy})`,
  );
  if (ours.ks)
    console.log(
      `    ks (method auto)         drift service ${ours.ks.ms.toFixed(0)} ms in the worker   scipy ks_2samp ${scipy.ksMs.toFixed(0)} ms   ours/scipy ${(ours.ks.ms / scipy.ksMs).toFixed(2)} (target <= 0.5)`,
    );
  if (ours.auto)
    console.log(
      `    auto (normed Wasserstein) drift service ${ours.auto.ms.toFixed(0)} ms in the worker   scipy wasserstein_distance/std ${scipy.wassersteinMs.toFixed(0)} ms   ours/scipy ${(ours.auto.ms / scipy.wassersteinMs).toFixed(2)}`,
    );
  for (const [test, { report }] of Object.entries(ours))
    console.log(
      `    ${test}: drifted features ${report.features.filter((f) => f.drifted).length}/${FEATURES}, severity ${report.severity}; runs ${ours[test].all.map((ms) => ms.toFixed(0)).join(', ')} ms, scipy's ${scipy[test === 'ks' ? 'ksRuns' : 'wassersteinRuns'].map((ms) => ms.toFixed(0)).join(', ')} ms; load average ${loadAverage()}`,
    );
  console.log(
    `    agreement with scipy: KS statistic ${worst.ksStat.toExponential(1)}, KS p-value ${worst.ksP.toExponential(1)}, normed Wasserstein ${worst.w.toExponential(1)} (max relative error)`,
  );
  if (worst.ksStat > 0 || worst.ksP > 1e-9 || worst.w > 1e-9) throw new Error('results differ from scipy');
}
