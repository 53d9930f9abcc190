import { signJwt, type TestApp } from '@modelyard/platform/testing';
import { createModel, feed, pipelineBody, rows, startHarness, waitForUpdates, type Harness } from './harness.js';
import { clearWin, settledConclusion } from './experiment-helpers.js';

/** The admin who turns automatic promotion on: the registry's audit must name her. */
const alice = { bearer: signJwt({ sub: 'alice', roles: ['admin'] }) };

let h: Harness;
let experiments: TestApp;
const model = 'challenged-model';

beforeAll(async () => {
  h = await startHarness({ withExperiments: true });
  experiments = h.experiments!;
  await createModel(h.registry, model);
});
afterAll(async () => {
  await h.close();
});

describe('registration as a challenger', () => {
  it("starts an experiment: the new version against production, sequential and with the pipeline's autoPromote", async () => {
    const body = pipelineBody('challenger', model, {
      gate: { metric: 'accuracy', direction: 'higher', tolerance: 0.05, holdout: 200 },
      register: { stage: 'staging', startExperiment: true, experimentMetric: 'clicked', autoPromote: true },
    });
    const created = await h.learning.request('POST', '/v1/pipelines', { body, as: alice });
    expect(created.status).toBe(201);
    expect(created.body.autoPromoteEnabledBy).toBe('alice');
    await feed(h.learning, 'challenger', rows(31, 1500));
    await h.learning.request('POST', '/v1/pipelines/challenger/trigger');
    const [first] = await waitForUpdates(h.learning, 'challenger', 1);
    // Nothing in production yet: nothing to challenge.
    expect(first).toMatchObject({ outcome: 'registered', experimentKey: null });
    expect((await h.registry.request('POST', `/v1/models/${model}/versions/${first.version}/promote`, { body: {} })).status).toBe(200);

    await feed(h.learning, 'challenger', rows(32, 1000));
    await h.learning.request('POST', '/v1/pipelines/challenger/trigger');
    const [, second] = await waitForUpdates(h.learning, 'challenger', 2);
    expect(second.outcome).toBe('registered');
    expect(second.experimentKey).toBe(`challenger-v${second.version}`);
    const experiment = (await experiments.request('GET', `/v1/experiments/${second.experimentKey}`)).body;
    expect(experiment).toMatchObject({
      model,
      status: 'running',
      control: 'control',
      primaryMetric: { name: 'clicked', kind: 'binomial', direction: 'higher' },
      sequential: true,
      autoPromote: true,
      // Created by the learning service, for the admin who enabled autoPromote on the pipeline.
      autoPromoteEnabledBy: 'alice via service:learning',
      variants: [
        { key: 'control', version: first.version, weight: 0.5 },
        { key: 'challenger', version: second.version, weight: 0.5 },
      ],
    });

    // The challenger clearly wins: the experiments service promotes it on its own (its scheduled
    // tick), and the registry's audit names the admin who enabled that.
    await clearWin(experiments, second.experimentKey);
    const concluded = await settledConclusion(experiments, second.experimentKey, experiment);
    expect(concluded.conclusion).toMatchObject({ winner: 'challenger', promoted: true });
    expect((await h.registry.request('GET', `/v1/models/${model}/production`)).body.version).toBe(second.version);
    const audit = (await h.registry.request('GET', `/v1/audit?model=${model}&limit=1`)).body.items[0];
    expect(audit).toMatchObject({ action: 'version.promoted', actor: 'service:experiments' });
    expect(audit.reason).toContain('auto-promotion enabled by alice via service:learning');
  }, 120_000);
});
