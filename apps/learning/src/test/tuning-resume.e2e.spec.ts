import { createPrismaClient, type PrismaClient } from '@modelyard/db';
import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildLearning } from '../config.js';
import { LearningMetrics } from '../learning.metrics.js';
import { TrialRunner } from '../tuning/trial.runner.js';
import { createModel, feed, pipelineBody, rows, startHarness, type Harness } from './harness.js';
import { ftrlAccuracy, waitForTuning } from './tuning-helpers.js';

// An API replica without workers, and later a worker replica on the same Postgres and Redis: the
// trials' first rungs are run by a worker that then goes away, and the replica finishes the tuning.
let h: Harness;
let worker: TestApp | undefined;
let db: PrismaClient;
beforeAll(async () => {
  h = await startHarness({ learningEnv: { RUN_WORKERS: '0' } });
  db = createPrismaClient(h.learning.databaseUrl);
  await createModel(h.registry, 'resume-model');
});
afterAll(async () => {
  await db.$disconnect();
  // The worker replica shares the database and Redis prefix: closing the harness drops them.
  await worker?.app.close();
  await h.close();
});

async function tuningSampleUpdates(app: TestApp): Promise<number> {
  const values = (await app.app.get(LearningMetrics).tuningSampleUpdates.get()).values;
  return values.reduce((sum, v) => sum + v.value, 0);
}

describe('a trial interrupted after a rung', () => {
  it('resumes from its checkpoint on another worker: no sample is learned twice', async () => {
    const data = rows(21, 2700);
    expect((await h.learning.request('POST', '/v1/pipelines', { body: pipelineBody('resume', 'resume-model') })).status).toBe(201);
    await feed(h.learning, 'resume', data);
    const started = await h.learning.request('POST', '/v1/pipelines/resume/tune', {
      body: { space: { alpha: { min: 0.01, max: 1 } }, budget: { trials: 2, eta: 2 }, metric: 'accuracy', direction: 'higher' },
    });
    expect(started.status).toBe(202);
    expect(started.body.rungs).toEqual([1350, 2700]);
    const tuningId: string = started.body.id;
    const trials = await db.learningTrial.findMany({ where: { tuningId }, orderBy: { index: 'asc' } });

    // A worker runs the first rung of both trials (the second decision promotes the better one),
    // and dies before the promoted trial's next rung.
    const firstWorker = h.learning.app.get(TrialRunner);
    expect(await firstWorker.step(trials[0]!.id)).toBe(1350);
    expect(await firstWorker.step(trials[1]!.id)).toBe(1350);
    const before = (await h.learning.request('GET', `/v1/pipelines/resume/tunings/${tuningId}`)).body;
    const promoted = before.trials.find((t: { status: string }) => t.status === 'queued');
    expect(promoted).toBeDefined();
    expect(before.trials.map((t: { sampleUpdates: number }) => t.sampleUpdates)).toEqual([1350, 1350]);
    // Progress while it runs: one trial waits (not promoted), one has its second rung to run.
    expect(before).toMatchObject({ status: 'running', progress: { trialsFinished: 1, trials: 2, sampleUpdates: 2700 } });
    expect(before.best).toMatchObject({ index: promoted.index, metric: promoted.rungMetrics[0] });
    const saved = await db.learningTrial.findFirstOrThrow({ where: { tuningId, index: promoted.index } });
    expect((saved.model as { samplesSeen: number }).samplesSeen).toBe(1350);

    // Nothing to apply while it runs: the best configuration may still change.
    const early = await h.learning.request('POST', `/v1/pipelines/resume/tunings/${tuningId}/apply`);
    expect([early.status, early.body.detail]).toEqual([409, `tuning ${tuningId} is still running; its best configuration may change`]);

    // Another replica's worker takes the queued jobs over.
    worker = await startTestApp(
      buildLearning,
      { REGISTRY_URL: h.registry.url, WORKER_ONLY: '1' },
      { databaseUrl: h.learning.databaseUrl, redisPrefix: h.learning.redisPrefix },
    );
    const done = await waitForTuning(h.learning, 'resume', tuningId);
    expect(done.status).toBe('completed');
    // It learned the second rung only (1 350 samples), starting from the checkpoint: not the 2 700 of a restart.
    const learnedByReplica = await tuningSampleUpdates(worker);
    console.log(
      `replica learned ${learnedByReplica} samples; trials' sample-updates ${JSON.stringify(done.trials.map((t: { sampleUpdates: number }) => t.sampleUpdates))}`,
    );
    expect(learnedByReplica).toBe(1350);
    const finished = done.trials[promoted.index];
    expect(finished).toMatchObject({ status: 'completed', sampleUpdates: 2700 });
    expect(finished.rungMetrics[0]).toBe(promoted.rungMetrics[0]);
    // Resumed exactly: the same as one uninterrupted pass over the 2 700 samples.
    expect(finished.rungMetrics[1]).toBe(ftrlAccuracy(data, finished.params.hyperparameters.alpha, 0.001));
    expect(done.progress.sampleUpdates).toBe(1350 + 2700);
  });
});
