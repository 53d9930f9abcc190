// `pnpm bench:learning`: in-process online-learning throughput of @modelyard/learners — logistic
// regression learnOne on 20 dense features, FTRL-Proximal first (the figure), the other
// optimizers beside it, the Hoeffding tree on the same stream and softmax regression (3 classes, the same 20 features); then
// (2) end to end through the learning service: samples/s from
// POST /v1/pipelines/:id/samples to an applied (learned, gated, registered, committed) update, with a
// real registry and learning service booted from their builds.
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { applyMigrations } from '@modelyard/db';
import { PerformanceObserver } from 'node:perf_hooks';
import { HoeffdingTreeClassifier, LogisticRegression, logisticStream, Rng, SoftmaxRegression } from '@modelyard/learners';
import { ROOT, adminToken, start } from './lib.mjs';

const FEATURES = 20;
const SAMPLES = 100_000; // pre-generated, cycled through, so only learnOne is timed
const WARMUP = 300_000; // lets V8 optimise the hot path before timing
const UPDATES = 3_000_000;
const RUNS = 5;
// Published by River for its LogisticRegression (figure quoted in issue 7); not measured here.
const RIVER_PUBLISHED = 56_000;

const weights = Array.from({ length: FEATURES }, (_, i) => ((i % 5) - 2) * 0.5);
const xs = [];
const ys = new Float64Array(SAMPLES);
for (const { x, y } of logisticStream({ weights, intercept: 0.25, seed: 1, count: SAMPLES })) {
  ys[xs.length] = y;
  xs.push(x);
}

// Garbage collections that start inside a timed loop: learnOne on dense inputs should allocate
// nothing, so there should be none. GC entries arrive asynchronously; they are matched by time.
const timed = [];
const gcStarts = [];
new PerformanceObserver((list) => gcStarts.push(...list.getEntries().map((e) => e.startTime))).observe({ entryTypes: ['gc'] });
const settle = () => new Promise((r) => setTimeout(r, 20));
const collectionsIn = ([from, to]) => gcStarts.filter((t) => t >= from && t <= to).length;

async function once(options, Model = LogisticRegression, data = { xs, ys }, updates = UPDATES) {
  const model = new Model({ dim: FEATURES, ...options });
  const { xs, ys } = data;
  for (let t = 0; t < WARMUP; t++) model.learnOne(xs[t % SAMPLES], ys[t % SAMPLES]);
  await settle();
  const started = performance.now();
  for (let t = 0; t < updates; t++) model.learnOne(xs[t % SAMPLES], ys[t % SAMPLES]);
  const ended = performance.now();
  timed.push([started, ended]);
  // Using the weights keeps the loop observable (and shows the model learned something).
  let correct = 0;
  for (let k = 0; k < 10_000; k++) correct += model.predictOne(xs[k]) === ys[k] ? 1 : 0;
  await settle();
  return { perSecond: updates / ((ended - started) / 1000), accuracy: correct / 10_000, collections: collectionsIn([started, ended]) };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

/** @type {[string, Record<string, unknown>][]} */
const cases = [
  ['FTRL-Proximal (α 0.1, β 1, λ1 0, λ2 0)', { optimizer: 'ftrl', alpha: 0.1, beta: 1 }],
  ['FTRL-Proximal with L1/L2 (λ1 1, λ2 1)', { optimizer: 'ftrl', alpha: 0.1, beta: 1, l1: 1, l2: 1 }],
  ['AdaGrad (η 0.1)', { optimizer: 'adagrad', learningRate: 0.1 }],
  ['SGD, inverse scaling (η0 0.5 / t^0.5)', { optimizer: 'sgd', schedule: 'invscaling', learningRate: 0.5 }],
];

console.log(`logistic regression learnOne, ${FEATURES} dense features, median of ${RUNS} runs of ${fmt(UPDATES)} updates`);
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, load average ${loadavg()[0].toFixed(2)}\n`);
console.log(`${'learner'.padEnd(42)} ${'updates/s'.padStart(12)}  ${'ns/update'.padStart(9)}  ${'GCs timed'.padStart(9)}  fit accuracy`);
/** One table row: the median rate of RUNS runs. */
async function row(name, run) {
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await run());
  const rate = median(runs.map((r) => r.perSecond));
  const gcs = runs.reduce((n, r) => n + r.collections, 0);
  console.log(
    `${name.padEnd(42)} ${fmt(rate).padStart(12)}  ${(1e9 / rate).toFixed(0).padStart(9)}  ${String(gcs).padStart(9)}  ${runs[0].accuracy.toFixed(3)}`,
  );
  return rate;
}

let ftrl = 0;
for (const [name, options] of cases) {
  const rate = await row(name, () => once(options));
  if (ftrl === 0) ftrl = rate;
}
console.log(
  `${'peer: River LogisticRegression (published)'.padEnd(42)} ${('~' + fmt(RIVER_PUBLISHED)).padStart(12)}  ${(1e9 / RIVER_PUBLISHED).toFixed(0).padStart(9)}  ${'–'.padStart(9)}  published reference, not run here`,
);
console.log(
  `\nFTRL target ≥ 1,000,000 updates/s: ${ftrl >= 1e6 ? 'met' : 'NOT met'} (${(ftrl / RIVER_PUBLISHED).toFixed(0)}× River's published figure)`,
);
console.log(`GCs timed: collections starting inside the ${RUNS} timed loops. Allocating even one heap number per`);
console.log(`update would mean hundreds here; a few come from V8 re-optimising learnOne once a new optimizer type appears.`);

// ---------------------------------------------------------------- (1b) Hoeffding tree

// The tree's cost per update grows with its leaves' observers and with naive Bayes at the leaf, so
// it is timed from a fresh tree (growing over the timed updates), on the same cycled samples.
const TREE_UPDATES = 1_000_000;
const TREE_RUNS = 3;

async function onceTree(options) {
  const tree = new HoeffdingTreeClassifier(options);
  await settle();
  const started = performance.now();
  for (let t = 0; t < TREE_UPDATES; t++) tree.learnOne(xs[t % SAMPLES], ys[t % SAMPLES]);
  const ended = performance.now();
  let correct = 0;
  for (let k = 0; k < 10_000; k++) correct += tree.predictOne(xs[k]) === ys[k] ? 1 : 0;
  await settle();
  const perSecond = TREE_UPDATES / ((ended - started) / 1000);
  return { perSecond, accuracy: correct / 10_000, leaves: tree.leafCount, collections: collectionsIn([started, ended]) };
}

const treeCases = [
  ['Hoeffding tree (defaults: NB adaptive leaves)', {}],
  ['Hoeffding tree (majority-class leaves)', { leafPrediction: 'mc' }],
];
console.log(
  `\nHoeffding tree learnOne, same ${FEATURES} dense features, median of ${TREE_RUNS} runs of ${fmt(TREE_UPDATES)} updates from a fresh tree`,
);
console.log(
  `${'learner'.padEnd(46)} ${'updates/s'.padStart(12)}  ${'ns/update'.padStart(9)}  ${'GCs timed'.padStart(9)}  leaves  fit accuracy`,
);
for (const [name, options] of treeCases) {
  const runs = [];
  for (let r = 0; r < TREE_RUNS; r++) runs.push(await onceTree(options));
  const rate = median(runs.map((r) => r.perSecond));
  const gcs = runs.reduce((n, r) => n + r.collections, 0);
  console.log(
    `${name.padEnd(46)} ${fmt(rate).padStart(12)}  ${(1e9 / rate).toFixed(0).padStart(9)}  ${String(gcs).padStart(9)}  ${String(runs[0].leaves).padStart(6)}  ${runs[0].accuracy.toFixed(3)}`,
  );
}
// Softmax regression: 3 classes (string labels), the class of x the argmax of three fixed linear
// scores plus Gumbel noise (so the data follow a multinomial logit model). Each update steps 3 rows.
const SOFTMAX_UPDATES = 1_000_000;
const CLASSES = ['a', 'b', 'c'];
const softmaxData = (() => {
  const rng = new Rng(2);
  const classWeights = CLASSES.map((_, c) => Array.from({ length: FEATURES }, (_, i) => (((i + 2 * c) % 5) - 2) * 0.5));
  const data = { xs: [], ys: [] };
  for (let k = 0; k < SAMPLES; k++) {
    const x = Float64Array.from({ length: FEATURES }, () => rng.normal());
    const scores = classWeights.map((w) => w.reduce((s, wi, i) => s + wi * x[i], 0) - Math.log(-Math.log(rng.uniform())));
    data.xs.push(x);
    data.ys.push(CLASSES[scores.indexOf(Math.max(...scores))]);
  }
  return data;
})();
console.log(
  `\nsoftmax regression learnOne, 3 classes, ${FEATURES} dense features, median of ${RUNS} runs of ${fmt(SOFTMAX_UPDATES)} updates`,
);
/** @type {[string, Record<string, unknown>][]} */
const softmaxCases = [
  ['softmax, FTRL-Proximal (α 0.1, β 1)', cases[0][1]],
  ['softmax, AdaGrad (η 0.1)', cases[2][1]],
  ['softmax, SGD, inverse scaling (η0 0.5)', cases[3][1]],
];
for (const [name, options] of softmaxCases) await row(name, () => once(options, SoftmaxRegression, softmaxData, SOFTMAX_UPDATES));

// ---------------------------------------------------------------- (2) end to end

const E2E_SAMPLES = 200_000;
const E2E_BATCH = 1_000; // rows per POST (about 500 kB of JSON with 20 features)
const E2E_SENDERS = 4;
const HOLDOUT = 200;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/modelyard_bench_learning';

await applyMigrations(DATABASE_URL);
const env = { DATABASE_URL, REDIS_PREFIX: `bench-learning-${Date.now()}`, ARTIFACT_DIR: join(ROOT, 'var', 'bench-artifacts') };
const registry = await start(join(ROOT, 'apps/registry'), ['dist/main.js'], 3921, env);
const learning = await start(join(ROOT, 'apps/learning'), ['dist/main.js'], 3924, { ...env, REGISTRY_URL: registry.url });
const token = adminToken();
const call = async (base, method, path, body) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
try {
  const name = `bench-${Date.now()}`;
  await call(registry.url, 'POST', '/v1/models', { name });
  const features = Array.from({ length: FEATURES }, (_, i) => `f${i}`);
  const UPDATE_SIZE = 10_000;
  await call(learning.url, 'POST', '/v1/pipelines', {
    name,
    model: name,
    learner: { type: 'logistic_regression', optimizer: 'ftrl', hyperparameters: { alpha: 0.1, beta: 1 } },
    features: features.map((f) => ({ name: f, kind: 'numeric' })),
    target: 'label',
    strategy: 'incremental',
    batchSize: UPDATE_SIZE,
    maxBuffer: 1_000_000,
    gate: { metric: 'accuracy', direction: 'higher', tolerance: 1, holdout: HOLDOUT },
  });
  const rows = [...logisticStream({ weights, intercept: 0.25, seed: 2, count: E2E_SAMPLES })].map(({ x, y }) => {
    const row = { label: y };
    features.forEach((f, i) => (row[f] = x[i]));
    return row;
  });
  const batches = [];
  for (let i = 0; i < rows.length; i += E2E_BATCH) batches.push(rows.slice(i, i + E2E_BATCH));

  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: E2E_SENDERS }, async () => {
      while (next < batches.length) await call(learning.url, 'POST', `/v1/pipelines/${name}/samples`, { samples: batches[next++] });
    }),
  );
  const ingested = performance.now() - t0;
  let status;
  for (;;) {
    status = await call(learning.url, 'GET', `/v1/pipelines/${name}/status`);
    if (status.samplesSeen >= E2E_SAMPLES - HOLDOUT) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const applied = performance.now() - t0;
  const history = await call(learning.url, 'GET', `/v1/pipelines/${name}/history?limit=200`);
  const registered = history.items.filter((u) => u.outcome === 'registered').length;
  console.log(
    `\n(2) end to end, one pipeline (incremental, up to ${fmt(UPDATE_SIZE)} samples per update, ${FEATURES} numeric features, FTRL)`,
  );
  console.log(`    ${fmt(E2E_SAMPLES)} samples in POSTs of ${fmt(E2E_BATCH)}, ${E2E_SENDERS} concurrent senders`);
  console.log(`    ingestion (202 for every batch)        ${fmt(E2E_SAMPLES / (ingested / 1000))} samples/s`);
  console.log(
    `    POST → applied update (all but holdout) ${fmt((E2E_SAMPLES - HOLDOUT) / (applied / 1000))} samples/s   (${(applied / 1000).toFixed(2)} s)`,
  );
  console.log(`    updates registered in the registry     ${registered} (each: learn, gate, version + artifact + stage, checkpoint)`);
} finally {
  await learning.stop();
  await registry.stop();
}
