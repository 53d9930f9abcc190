import { signJwt, tokenFor, type TestApp } from '@modelyard/platform/testing';
import { createModel, feed, pipelineBody, rows, startHarness, type Harness } from './harness.js';
import { clearWin, settledConclusion } from './experiment-helpers.js';
import { startTrainer, stopTrainer, trainerResult, type TrainerRun } from './trainer-process.js';

/** The admin who turns automatic promotion on: the experiment is created in her name. */
const alice = { bearer: signJwt({ sub: 'alice', roles: ['admin'] }) };

let h: Harness;
let experiments: TestApp;
const trainers: TrainerRun[] = [];
const model = 'ext-challenged';

beforeAll(async () => {
  h = await startHarness({ withExperiments: true });
  experiments = h.experiments!;
  await createModel(h.registry, model);
});
afterAll(async () => {
  trainers.forEach(stopTrainer);
  await h.close();
});

async function trainOnce() {
  const run = startTrainer({
    LEARNING_URL: h.learning.url,
    REGISTRY_URL: h.registry.url,
    TOKEN: tokenFor('editor', 'trainer-bot'),
    PIPELINE: 'ext-challenger',
  });
  trainers.push(run);
  const { steps } = await trainerResult(run);
  return { claimed: steps.find((s) => s.step === 'claimed')!, completed: steps.find((s) => s.step === 'completed')! };
}

describe('an external version as a challenger', () => {
  it('is staged, challenges production in a sequential experiment, and is auto-promoted when it wins', async () => {
    const body = pipelineBody('ext-challenger', model, {
      learner: { type: 'external' },
      batchSize: 1000,
      gate: { metric: 'accuracy', direction: 'higher', tolerance: 0.05, holdout: 200 },
      register: { stage: 'staging', startExperiment: true, experimentMetric: 'clicked', autoPromote: true },
    });
    expect((await h.learning.request('POST', '/v1/pipelines', { body, as: alice })).status).toBe(201);
    await feed(h.learning, 'ext-challenger', rows(41, 1200));
    const first = await trainOnce();
    // Nothing in production yet: nothing to challenge.
    expect(first.completed.update).toMatchObject({ outcome: 'registered', experimentKey: null });
    expect((await h.registry.request('POST', `/v1/models/${model}/versions/${first.completed.version}/promote`, { body: {} })).status).toBe(
      200,
    );

    await feed(h.learning, 'ext-challenger', rows(42, 1000));
    const second = await trainOnce();
    // The job named production's artifact; the trainer scored it on the held-out samples itself.
    expect(second.claimed.production.version).toBe(first.completed.version);
    expect(second.claimed.production.artifacts[0].url).toBe(
      `${h.registry.url}/v1/models/${model}/versions/${first.completed.version}/artifacts/weights.json`,
    );
    expect(second.completed.production.accuracy).toEqual(expect.any(Number));
    const update = second.completed.update;
    expect(update).toMatchObject({
      outcome: 'registered',
      experimentKey: `ext-challenger-v${second.completed.version}`,
      gate: { productionVersion: first.completed.version, production: second.completed.production.accuracy, passed: true },
    });
    const experiment = (await experiments.request('GET', `/v1/experiments/${update.experimentKey}`)).body;
    expect(experiment).toMatchObject({
      model,
      status: 'running',
      sequential: true,
      autoPromote: true,
      autoPromoteEnabledBy: 'alice via service:learning',
      variants: [
        { key: 'control', version: first.completed.version, weight: 0.5 },
        { key: 'challenger', version: second.completed.version, weight: 0.5 },
      ],
    });

    await clearWin(experiments, update.experimentKey);
    const concluded = await settledConclusion(experiments, update.experimentKey, experiment);
    expect(concluded.conclusion).toMatchObject({ winner: 'challenger', promoted: true });
    expect((await h.registry.request('GET', `/v1/models/${model}/production`)).body.version).toBe(second.completed.version);
  }, 120_000);
});
