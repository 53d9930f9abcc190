// `pnpm bench:stats`: @modelyard/stats against scipy on the same data, in one run.
//   1. two-sample KS, 1M vs 1M samples (the asymptotic kstwo path);
//   2. a drift check of 100 numeric features, 10k reference × 10k current rows each:
//      KS + Wasserstein + PSI per feature (driftNumeric sorts each sample once).
// The samples are generated here, written to temporary binary files (float64, little-endian)
// and read by stats_scipy.py with numpy.fromfile, so both sides see identical data. Each side
// reports the best of RUNS wall-clock timings of its own computation (process start-up and
// file reading excluded), alternating scipy and ours run by run so that load from other
// processes affects both sides alike. Results must agree (KS statistic bit-identical, p-values to 1e-7 for
// the asymptotic path and 1e-9 for the exact one, distances to 1e-9) or the script exits 1.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { driftNumeric, ks2samp } from '@modelyard/stats';
import { normals, relErr } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const KS_N = 1_000_000;
const FEATURES = 100;
const ROWS = 10_000;
const TARGET_KS = 0.4;
const TARGET_DRIFT = 0.33;

// ---- data: KS pair with a small shift; drift features with assorted shifts, scales, shapes
const ksA = normals(KS_N, 1);
const ksB = normals(KS_N, 2, 0.01, 1);
const ref = new Float64Array(FEATURES * ROWS);
const cur = new Float64Array(FEATURES * ROWS);
for (let f = 0; f < FEATURES; f++) {
  const scale = 1 + (f % 7);
  ref.set(normals(ROWS, 1000 + f, f, scale), f * ROWS);
  // a third of the features drift in location, a third in scale, a third not at all
  const mu = f % 3 === 0 ? f + 0.05 * scale : f;
  const sd = f % 3 === 1 ? scale * 1.1 : scale;
  const x = normals(ROWS, 5000 + f, mu, sd);
  if (f % 10 === 9) for (let i = 0; i < ROWS; i++) x[i] = Math.round(x[i]); // ties
  cur.set(x, f * ROWS);
}

const dir = mkdtempSync(join(tmpdir(), 'modelyard-bench-'));
const files = { ksA: join(dir, 'ks_a.f64'), ksB: join(dir, 'ks_b.f64'), ref: join(dir, 'ref.f64'), cur: join(dir, 'cur.f64') };
const write = (file, arr) => writeFileSync(file, new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
write(files.ksA, ksA);
write(files.ksB, ksB);
write(files.ref, ref);
write(files.cur, cur);

// scipy runs in a long-lived python3 process driven line by line (see stats_scipy.py).
const script = join(dirname(fileURLToPath(import.meta.url)), 'stats_scipy.py');
const child = spawn('python3', [script, JSON.stringify({ ...files, features: FEATURES, rows: ROWS })], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const replies = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
const ask = async (cmd) => {
  if (cmd) child.stdin.write(`${cmd}\n`);
  const { value, done } = await replies.next();
  if (done) throw new Error('python3 stats_scipy.py exited early');
  return JSON.parse(value);
};

const py = { versions: {}, ks: { ms: Infinity }, drift: { ms: Infinity } };
let ksMs = Infinity;
let driftMs = Infinity;
let ks;
let drift;
try {
  const hello = await ask();
  py.versions = { scipy: hello.scipy, numpy: hello.numpy };
  for (let run = 0; run < RUNS; run++) {
    const pk = await ask('ks');
    py.ks = { ms: Math.min(py.ks.ms, pk.ms), ...pk.result };
    let t0 = performance.now();
    ks = ks2samp(ksA, ksB);
    ksMs = Math.min(ksMs, performance.now() - t0);

    const pd = await ask('drift');
    py.drift = { ms: Math.min(py.drift.ms, pd.ms), results: pd.result };
    t0 = performance.now();
    drift = [];
    for (let f = 0; f < FEATURES; f++) {
      drift.push(driftNumeric(ref.subarray(f * ROWS, (f + 1) * ROWS), cur.subarray(f * ROWS, (f + 1) * ROWS)));
    }
    driftMs = Math.min(driftMs, performance.now() - t0);
  }
  child.stdin.write('quit\n');
} finally {
  child.stdin.end();
  rmSync(dir, { recursive: true, force: true });
}

// ---- agreement
const problems = [];
if (ks.statistic !== py.ks.statistic) problems.push(`KS statistic ${ks.statistic} vs scipy ${py.ks.statistic}`);
if (relErr(ks.pValue, py.ks.pValue) > 1e-7) problems.push(`KS p ${ks.pValue} vs scipy ${py.ks.pValue}`);
drift.forEach((r, f) => {
  const [d, p, w, s] = py.drift.results[f];
  if (r.ks.statistic !== d) problems.push(`feature ${f}: KS statistic ${r.ks.statistic} vs ${d}`);
  if (relErr(r.ks.pValue, p) > (r.ks.method === 'exact' ? 1e-9 : 1e-7)) problems.push(`feature ${f}: KS p ${r.ks.pValue} vs ${p}`);
  if (relErr(r.wasserstein, w) > 1e-9) problems.push(`feature ${f}: Wasserstein ${r.wasserstein} vs ${w}`);
  if (relErr(r.psi.value, s) > 1e-9) problems.push(`feature ${f}: PSI ${r.psi.value} vs ${s}`);
});
const drifting = drift.filter((r) => r.ks.pValue < 0.05).length;

// ---- report
const fmt = (ms) => `${ms.toFixed(1)} ms`;
const line = (name, ours, theirs, target) => {
  const ratio = ours / theirs;
  return `${name.padEnd(44)} ${fmt(ours).padStart(10)} ${fmt(theirs).padStart(11)} ${ratio.toFixed(3).padStart(7)}   <= ${target} ${ratio <= target ? 'met' : 'MISSED'}`;
};
console.log(`@modelyard/stats vs scipy ${py.versions.scipy} / numpy ${py.versions.numpy} — Node ${process.version}, best of ${RUNS} runs`);
console.log(`${'scenario'.padEnd(44)} ${'ours'.padStart(10)} ${'scipy'.padStart(11)} ${'ratio'.padStart(7)}   target`);
console.log(line('KS two-sample, 1M vs 1M', ksMs, py.ks.ms, TARGET_KS));
console.log(line('drift check: 100 features x 10k vs 10k', driftMs, py.drift.ms, TARGET_DRIFT));
console.log(`  (KS + Wasserstein + PSI per feature; KS p < 0.05 on ${drifting}/${FEATURES} features)`);
console.log(`KS 1M: D = ${ks.statistic}, p = ${ks.pValue.toExponential(6)} (scipy p = ${py.ks.pValue.toExponential(6)})`);
if (problems.length) {
  console.error(`results disagree with scipy:\n  ${problems.slice(0, 20).join('\n  ')}`);
  process.exit(1);
}
console.log('results agree with scipy (KS statistics identical, p-values and distances within tolerance)');
