import { randomUUID } from 'node:crypto';
import { JobName, QueueName, type RetrainJob } from '@modelyard/types';
import { Queue } from 'bullmq';
import { testBullPrefix, testRedis } from '@modelyard/platform/testing';
import { LockBusy, PipelineLock } from '../updates/pipeline-lock.js';
import { createModel, feed, pipelineBody, rows, startHarness, waitForUpdates, type Harness } from './harness.js';

let h: Harness;
let retrain: Queue;
const connection = testRedis();
const model = 'strategies-model';
beforeAll(async () => {
  h = await startHarness();
  await createModel(h.registry, model);
  // The drift service's side of the contract: a real BullMQ producer on the shared Redis.
  retrain = new Queue(QueueName.retrain, { connection, prefix: testBullPrefix(h.learning.redisPrefix, QueueName.retrain) });
});
afterAll(async () => {
  await retrain.close();
  await connection.quit();
  await h.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gate = (holdout: number) => ({ metric: 'accuracy', direction: 'higher', tolerance: 1, holdout });

async function create(name: string, extra: Record<string, unknown>) {
  const res = await h.learning.request('POST', '/v1/pipelines', { body: pipelineBody(name, model, extra) });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

const historyLength = async (name: string) =>
  ((await h.learning.request('GET', `/v1/pipelines/${name}/history?limit=200`)).body.items as unknown[]).length;

/** The pipeline's status once `ok` holds (or the last one read, after 15 s). */
async function statusWhen(name: string, ok: (s: { bufferSize: number }) => boolean) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = (await h.learning.request('GET', `/v1/pipelines/${name}/status`)).body;
    if (ok(status) || Date.now() > deadline) return status;
    await sleep(100);
  }
}

/** The history length once no update runs and none was recorded for a second (at most 20 s). */
async function settledHistoryLength(name: string): Promise<number> {
  const deadline = Date.now() + 20_000;
  let last = await historyLength(name);
  while (Date.now() < deadline) {
    await sleep(1000);
    const updating = (await h.learning.request('GET', `/v1/pipelines/${name}/status`)).body.updating as boolean;
    const now = await historyLength(name);
    if (!updating && now === last) return now;
    last = now;
  }
  throw new Error(`pipeline ${name} kept updating for 20 s after its pause`);
}

describe('strategies', () => {
  it('incremental: updates as samples arrive, batchSize at a time, until only the holdout is left', async () => {
    await create('incr', { strategy: 'incremental', batchSize: 500, gate: gate(100) });
    await feed(h.learning, 'incr', rows(1, 1000));
    const updates = await waitForUpdates(h.learning, 'incr', 2);
    expect(updates.map((u) => [u.reason, u.outcome, u.samples])).toEqual([
      ['samples', 'registered', 500],
      ['samples', 'registered', 400],
    ]);
    // The buffer is trimmed just after the update's commit: read the status once it is.
    const status = await statusWhen('incr', (s) => s.bufferSize === 100);
    expect(status).toMatchObject({ bufferSize: 100, samplesSeen: 900 });
  });

  it('mini_batch: waits for a full batch past minSamples', async () => {
    await create('mini', { strategy: 'mini_batch', batchSize: 300, minSamples: 300, gate: gate(100) });
    const first = await h.learning.request('POST', '/v1/pipelines/mini/samples', { body: { samples: rows(2, 250) } });
    expect(first.body.updateJobId).toBeNull();
    const second = await h.learning.request('POST', '/v1/pipelines/mini/samples', { body: { samples: rows(3, 200) } });
    expect(second.body.updateJobId).toMatch(/^learning-update\./);
    const [update] = await waitForUpdates(h.learning, 'mini', 1);
    expect(update).toMatchObject({ reason: 'samples', outcome: 'registered', samples: 300 });
  });

  it('periodic: updates on its schedule, and not while paused', async () => {
    await create('every', { strategy: 'periodic', schedule: { everySeconds: 1 }, gate: gate(100) });
    await feed(h.learning, 'every', rows(4, 400));
    // A scheduled run may come before the samples do (and skip): wait for the one that registers.
    const registered = await waitForUpdates(h.learning, 'every', 1, 15_000, 'registered');
    expect(registered[0]).toMatchObject({ reason: 'schedule', samples: 300 });
    await h.learning.request('POST', '/v1/pipelines/every/pause');
    // A run that started (or was due) before the pause may still record itself: count from when none is.
    const before = await settledHistoryLength('every');
    await feed(h.learning, 'every', rows(5, 400));
    await sleep(2500);
    const after = (await h.learning.request('GET', '/v1/pipelines/every/history?limit=200')).body.items;
    expect(after.length).toBe(before);
    expect((await h.learning.request('GET', '/v1/pipelines/every/status')).body.bufferSize).toBe(500);
  });

  it('adaptive: trains a first model, then updates only when the metric drops by dropThreshold', async () => {
    await create('adapt', { strategy: 'adaptive', adaptive: { metric: 'accuracy', dropThreshold: 0.2 }, gate: gate(50) });
    await feed(h.learning, 'adapt', rows(6, 1000));
    const [initial] = await waitForUpdates(h.learning, 'adapt', 1);
    expect(initial).toMatchObject({ reason: 'adaptive', outcome: 'registered', samples: 950 });
    const same = await h.learning.request('POST', '/v1/pipelines/adapt/samples', { body: { samples: rows(7, 200) } });
    expect(same.body.updateJobId).toBeNull();
    const flipped = rows(8, 200).map((r) => ({ ...r, label: 1 - r.label! }));
    const dropped = await h.learning.request('POST', '/v1/pipelines/adapt/samples', { body: { samples: flipped } });
    expect(dropped.body.updateJobId).toMatch(/^learning-update\./);
    const [, second] = await waitForUpdates(h.learning, 'adapt', 2);
    expect(second).toMatchObject({ reason: 'adaptive', samples: 400 });
  });
});

describe('retrain jobs from drift', () => {
  it('turn into a drift update that resets the learner when the policy says reset, once per report', async () => {
    const p = await create('drifty', { onDrift: 'reset', gate: gate(200) });
    await feed(h.learning, 'drifty', rows(9, 1000));
    await h.learning.request('POST', '/v1/pipelines/drifty/trigger');
    const [first] = await waitForUpdates(h.learning, 'drifty', 1);
    await feed(h.learning, 'drifty', rows(10, 500));
    const job: RetrainJob = { pipelineId: p.id, monitorId: randomUUID(), reportId: randomUUID() };
    // Sent twice (a retried producer): the update is keyed by the report, so it runs once.
    await retrain.add(JobName.retrain, job, { jobId: `retrain.${job.monitorId}.1` });
    await retrain.add(JobName.retrain, job, { jobId: `retrain.${job.monitorId}.2` });
    const [, drift] = await waitForUpdates(h.learning, 'drifty', 2);
    expect(drift).toMatchObject({ reason: 'drift', driftReportId: job.reportId, outcome: 'registered', samples: 500 });
    const version = (await h.registry.request('GET', `/v1/models/${model}/versions/${drift.version}`)).body;
    // Reset: a fresh learner, no parent, and only this run's samples seen.
    expect(version.metrics.samples_seen).toBe(500);
    expect(version.lineage.parentVersion).toBeNull();
    expect(version.trainingInfo.driftReportId).toBe(job.reportId);
    expect(first.version).not.toBe(drift.version);
    await sleep(1000);
    expect((await waitForUpdates(h.learning, 'drifty', 2)).length).toBe(2);
  });

  it('warm-start from the current model by default', async () => {
    const p = await create('warm', { gate: gate(200) });
    await feed(h.learning, 'warm', rows(11, 1000));
    await h.learning.request('POST', '/v1/pipelines/warm/trigger');
    const [first] = await waitForUpdates(h.learning, 'warm', 1);
    await feed(h.learning, 'warm', rows(12, 500));
    await retrain.add(JobName.retrain, { pipelineId: p.id, monitorId: randomUUID(), reportId: randomUUID() } satisfies RetrainJob, {
      jobId: 'warm-retrain',
    });
    const [, drift] = await waitForUpdates(h.learning, 'warm', 2);
    const version = (await h.registry.request('GET', `/v1/models/${model}/versions/${drift.version}`)).body;
    expect(version.metrics.samples_seen).toBe(800 + 500);
    expect(version.lineage.parentVersion).toBe(first.version);
  });
});

describe('one update at a time per pipeline', () => {
  it('collapses concurrent triggers into one job, and serialises runs of different triggers', async () => {
    const p = await create('busy', { gate: gate(100) });
    await feed(h.learning, 'busy', rows(13, 3000));
    const triggers = await Promise.all(Array.from({ length: 10 }, () => h.learning.request('POST', '/v1/pipelines/busy/trigger')));
    expect(new Set(triggers.map((t) => t.status))).toEqual(new Set([202]));
    expect(new Set(triggers.map((t) => t.body.jobId)).size).toBe(1);
    // A drift job for the same pipeline at the same moment: a different job, so the lock must serialise them.
    await retrain.add(JobName.retrain, { pipelineId: p.id, monitorId: randomUUID(), reportId: randomUUID() } satisfies RetrainJob, {
      jobId: 'busy-retrain',
    });
    const updates = await waitForUpdates(h.learning, 'busy', 2);
    await sleep(1000);
    const all = (await waitForUpdates(h.learning, 'busy', 2)).filter((u) => u.outcome !== 'skipped');
    expect(all.map((u) => u.seq)).toEqual(all.map((_, i) => i + 1));
    expect(updates.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < all.length; i++) expect(Date.parse(all[i].startedAt)).toBeGreaterThanOrEqual(Date.parse(all[i - 1].finishedAt));
    // Every sample learned exactly once across the two runs.
    expect(all.reduce((n, u) => n + u.samples, 0)).toBe(2900);
  });

  it('holds an update back while another holds the pipeline lock, and runs it once the lock is free', async () => {
    const p = await create('locked', { gate: gate(100) });
    await feed(h.learning, 'locked', rows(14, 500));
    const lock = h.learning.app.get(PipelineLock);
    let release!: () => void;
    const holding = lock.run(p.id, 'someone-else', () => new Promise<void>((r) => (release = r)));
    await sleep(50);
    await expect(lock.run(p.id, 'a-second-owner', async () => 'ran')).rejects.toBeInstanceOf(LockBusy);
    expect((await h.learning.request('GET', '/v1/pipelines/locked/status')).body.updating).toBe(true);
    await h.learning.request('POST', '/v1/pipelines/locked/trigger');
    await sleep(1500);
    expect((await h.learning.request('GET', '/v1/pipelines/locked/history')).body.items).toEqual([]);
    release();
    await holding;
    const [update] = await waitForUpdates(h.learning, 'locked', 1, 30_000);
    expect(update).toMatchObject({ reason: 'manual', outcome: 'registered', samples: 400 });
  });
});
