// An external trainer as a separate process, standing for a Python one: it talks to the learning
// service and the registry over HTTP only (no database, no Redis, no BullMQ), as the README's
// Python example does. Configured by environment variables; prints one JSON line per step to
// stdout and exits 0 once its job is completed (or given up, or abandoned, per TRAINER_MODE).
//
//   LEARNING_URL, REGISTRY_URL  the services
//   TOKEN                       an editor's bearer token
//   PIPELINE                    pipeline name or id
//   TRAINER_MODE                complete (default) | fail | crash (claims, then exits without a word)
//   LEASE_SECONDS               the lease asked for (default 60)
//   CLAIM_DEADLINE_MS           how long to keep asking for a job (default 60000)

const env = process.env;
const learning = env.LEARNING_URL;
const registry = env.REGISTRY_URL;
const pipeline = env.PIPELINE;
const mode = env.TRAINER_MODE ?? 'complete';
const auth = { authorization: `Bearer ${env.TOKEN}` };

function report(step, data) {
  process.stdout.write(`${JSON.stringify({ step, ...data })}\n`);
}

async function call(method, url, body, okStatuses = [200, 201]) {
  const res = await fetch(url, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!okStatuses.includes(res.status)) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Asks for a job until one is leased or the deadline passes (a worker's polling loop). */
async function claim() {
  const deadline = Date.now() + Number(env.CLAIM_DEADLINE_MS ?? 60_000);
  const body = { worker: `node-trainer/${process.pid}`, leaseSeconds: Number(env.LEASE_SECONDS ?? 60) };
  for (;;) {
    const res = await call('POST', `${learning}/v1/pipelines/${pipeline}/jobs/claim`, body, [200, 204]);
    if (res.status === 200) return res.body;
    if (Date.now() > deadline) throw new Error('no job to claim before the deadline');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function samples(job, part, format) {
  const res = await fetch(`${learning}/v1/pipelines/${pipeline}/jobs/${job.id}/samples?part=${part}`, {
    headers: { ...auth, accept: format === 'csv' ? 'text/csv' : 'application/x-ndjson' },
  });
  if (res.status !== 200) throw new Error(`samples: ${res.status} ${await res.text()}`);
  const lines = (await res.text()).split('\n').filter((l) => l.length > 0);
  if (format === 'ndjson') return lines.map((l) => JSON.parse(l));
  const [header, ...rows] = lines.map((l) => l.split(','));
  return rows.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] === '' ? null : Number(cells[i])])));
}

/** Logistic regression by plain SGD, a few epochs: what a real trainer would do with sklearn. */
function train(rows, features, target) {
  const w = new Array(features.length + 1).fill(0);
  const p = (row) => 1 / (1 + Math.exp(-(w[0] + features.reduce((s, f, i) => s + w[i + 1] * (row[f] ?? 0), 0))));
  for (let epoch = 0; epoch < 5; epoch++) {
    for (const row of rows) {
      const g = p(row) - row[target];
      w[0] -= 0.05 * g;
      features.forEach((f, i) => (w[i + 1] -= 0.05 * g * (row[f] ?? 0)));
    }
  }
  return { weights: w, predict: p };
}

function holdoutMetrics(model, rows, target) {
  let correct = 0;
  let loss = 0;
  for (const row of rows) {
    const q = Math.min(Math.max(model.predict(row), 1e-15), 1 - 1e-15);
    if ((q >= 0.5 ? 1 : 0) === row[target]) correct++;
    loss -= row[target] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return { accuracy: correct / rows.length, log_loss: loss / rows.length };
}

/**
 * The production version's metrics on the same held-out samples, from its artifact at the location
 * the job names (this trainer reads only its own format: another production is left to the service).
 */
async function productionMetrics(job, holdoutRows) {
  const artifact = job.production?.artifacts.find((a) => a.path === 'weights.json');
  if (!artifact) return undefined;
  const res = await fetch(artifact.url, { headers: auth });
  if (res.status !== 200) throw new Error(`production artifact: ${res.status} ${await res.text()}`);
  const { features, weights } = await res.json();
  const names = features.map((f) => f.name);
  const predict = (row) => 1 / (1 + Math.exp(-(weights[0] + names.reduce((s, f, i) => s + weights[i + 1] * (row[f] ?? 0), 0))));
  return holdoutMetrics({ predict }, holdoutRows, job.target);
}

/** A draft version with the model as its artifact, through the registry's API. */
async function register(job, model, metrics) {
  const created = await call('POST', `${registry}/v1/models/${job.model}/versions`, {
    description: `external trainer, job ${job.id}`,
    metrics,
    lineage: { pipelineId: job.pipelineId, dataset: `learning:${job.pipelineId}/samples/${job.train.from}-${job.train.to}` },
  });
  const version = created.body.version;
  const bytes = Buffer.from(JSON.stringify({ format: 'node-trainer.logistic', features: job.features, weights: model.weights }));
  const res = await fetch(`${registry}/v1/models/${job.model}/versions/${version}/artifacts/weights.json`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/octet-stream', 'x-artifact-content-type': 'application/json' },
    body: bytes,
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`upload: ${res.status} ${await res.text()}`);
  return version;
}

async function main() {
  const job = await claim();
  report('claimed', { jobId: job.id, leaseToken: job.leaseToken, attempts: job.attempts, window: job.samples, production: job.production });
  if (mode === 'crash') process.exit(0);
  const base = `${learning}/v1/pipelines/${pipeline}/jobs/${job.id}`;
  if (mode === 'fail') {
    const failed = await call('POST', `${base}/fail`, { leaseToken: job.leaseToken, reason: 'out of GPU memory' });
    return report('failed', { retryJobId: failed.body.retryJobId });
  }
  const features = job.features.map((f) => f.name);
  const trainRows = await samples(job, 'train', 'ndjson');
  const holdoutRows = await samples(job, 'holdout', 'csv');
  report('samples', { train: trainRows.length, holdout: holdoutRows.length, firstTrain: trainRows[0], lastHoldout: holdoutRows.at(-1) });
  await call('POST', `${base}/heartbeat`, { leaseToken: job.leaseToken });
  const model = train(trainRows, features, job.target);
  const metrics = holdoutMetrics(model, holdoutRows, job.target);
  const production = await productionMetrics(job, holdoutRows);
  const version = await register(job, model, metrics);
  const done = await call('POST', `${base}/complete`, { leaseToken: job.leaseToken, version, metrics, productionMetrics: production });
  report('completed', { version, metrics, production, outcome: done.body.update.outcome, update: done.body.update });
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
