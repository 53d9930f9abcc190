import { tokenFor } from '@modelyard/platform/testing';
import { createModel, feed, pipelineBody, rows, startHarness, type Harness } from './harness.js';
import { startTrainer, stopTrainer, trainerResult, type TrainerRun } from './trainer-process.js';

let h: Harness;
const trainers: TrainerRun[] = [];
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  trainers.forEach(stopTrainer);
  await h.close();
});

/** An external-learner pipeline: a job every 1 000 trainable samples, the 200 most recent held out. */
function externalPipeline(name: string, model: string) {
  return pipelineBody(name, model, { learner: { type: 'external' }, batchSize: 1000 });
}

function trainer(pipeline: string, env: Record<string, string> = {}) {
  const run = startTrainer({
    LEARNING_URL: h.learning.url,
    REGISTRY_URL: h.registry.url,
    TOKEN: tokenFor('editor', 'trainer-bot'),
    PIPELINE: pipeline,
    ...env,
  });
  trainers.push(run);
  return run;
}

describe('an external trainer process, over HTTP only', () => {
  it('claims, reads the samples, registers a draft, completes: gated, staged, samples consumed once', async () => {
    await createModel(h.registry, 'ext-churn');
    const created = await h.learning.request('POST', '/v1/pipelines', { body: externalPipeline('ext-e2e', 'ext-churn') });
    expect(created.status).toBe(201);
    expect(created.body.learner).toEqual({ type: 'external', task: 'classification' });
    const data = rows(7, 1200);
    await feed(h.learning, 'ext-e2e', data);

    const first = await trainerResult(trainer('ext-e2e'));
    const steps = new Map(first.steps.map((s) => [s.step, s]));
    expect(steps.get('claimed')).toMatchObject({ attempts: 1, window: { from: 0, to: 1200, count: 1200 }, production: null });
    // The trainer got the posted rows, in order: 1 000 to train on (NDJSON), the last 200 held out (CSV).
    expect(steps.get('samples')).toMatchObject({ train: 1000, holdout: 200, firstTrain: data[0], lastHoldout: data[1199] });
    const completed = steps.get('completed')!;
    expect(completed.outcome).toBe('registered');
    expect(completed.metrics.accuracy).toBeGreaterThan(0.6);
    expect(completed.update).toMatchObject({
      seq: 1,
      samples: 1000,
      holdout: 200,
      version: completed.version,
      gate: { metric: 'accuracy', passed: true, candidate: completed.metrics.accuracy, productionVersion: null },
    });

    // The registry has the worker's version in the pipeline's stage, with the worker's artifact.
    const version = await h.registry.request('GET', `/v1/models/ext-churn/versions/${completed.version}`);
    expect(version.body.stage).toBe('staging');
    const manifest = await h.registry.request('GET', `/v1/models/ext-churn/versions/${completed.version}/artifacts`);
    expect(manifest.body.items.map((a: { path: string }) => a.path)).toEqual(['weights.json']);

    const status = await h.learning.request('GET', '/v1/pipelines/ext-e2e/status');
    expect(status.body).toMatchObject({ samplesSeen: 1000, bufferSize: 200, currentVersion: completed.version });
    // Nothing new to train on: no job is handed out again for consumed samples.
    expect((await h.learning.request('POST', '/v1/pipelines/ext-e2e/jobs/claim', { as: 'editor' })).status).toBe(204);
  });

  it("re-leases a crashed trainer's job after its lease expires; the crashed lease is refused with 409", async () => {
    await createModel(h.registry, 'ext-crash');
    expect((await h.learning.request('POST', '/v1/pipelines', { body: externalPipeline('ext-crash', 'ext-crash') })).status).toBe(201);
    await feed(h.learning, 'ext-crash', rows(8, 1200));

    // Claims with a 2 s lease, then dies without a word (no heartbeat, no fail).
    const crashed = await trainerResult(trainer('ext-crash', { TRAINER_MODE: 'crash', LEASE_SECONDS: '2' }));
    const lost = crashed.steps.find((s) => s.step === 'claimed')!;
    expect(lost.attempts).toBe(1);

    // The next trainer polls claim: 204 while the lease runs, then the same job (second attempt).
    const next = await trainerResult(trainer('ext-crash'));
    const claimed = next.steps.find((s) => s.step === 'claimed')!;
    expect(claimed).toMatchObject({ jobId: lost.jobId, attempts: 2, window: lost.window });
    expect(next.steps.find((s) => s.step === 'completed')!.outcome).toBe('registered');

    const late = await h.learning.request('POST', `/v1/pipelines/ext-crash/jobs/${lost.jobId}/complete`, {
      as: 'editor',
      body: { leaseToken: lost.leaseToken, version: '1.0.0', metrics: { accuracy: 0.9 } },
    });
    expect(late.status).toBe(409);
    expect(late.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(late.body.lease).toBe('not_leased');
    const history = await h.learning.request('GET', '/v1/pipelines/ext-crash/history');
    expect(history.body.items.map((u: { outcome: string }) => u.outcome)).toEqual(['registered']);
  });

  it('a trainer that gives up releases the samples: a new job over the same window', async () => {
    await createModel(h.registry, 'ext-fail');
    expect((await h.learning.request('POST', '/v1/pipelines', { body: externalPipeline('ext-fail', 'ext-fail') })).status).toBe(201);
    await feed(h.learning, 'ext-fail', rows(9, 1200));

    const gaveUp = await trainerResult(trainer('ext-fail', { TRAINER_MODE: 'fail' }));
    const failedJob = gaveUp.steps.find((s) => s.step === 'claimed')!;
    const retryJobId = gaveUp.steps.find((s) => s.step === 'failed')!.retryJobId;
    expect(retryJobId).toEqual(expect.any(String));
    expect(retryJobId).not.toBe(failedJob.jobId);

    const retried = await trainerResult(trainer('ext-fail'));
    const claimed = retried.steps.find((s) => s.step === 'claimed')!;
    expect(claimed).toMatchObject({ jobId: retryJobId, attempts: 1, window: failedJob.window });
    expect(retried.steps.find((s) => s.step === 'completed')!.outcome).toBe('registered');
    const history = await h.learning.request('GET', '/v1/pipelines/ext-fail/history');
    expect(history.body.items.map((u: { seq: number; outcome: string }) => [u.seq, u.outcome])).toEqual([
      [1, 'registered'],
      [1, 'failed'],
    ]);
  });
});
