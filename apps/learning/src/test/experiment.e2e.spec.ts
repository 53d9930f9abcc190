import type { TestApp } from '@modelyard/platform/testing';
import { createModel, feed, pipelineBody, rows, startHarness, waitForUpdates, type Harness } from './harness.js';

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
  it('starts an experiment: the new version against production, sequential and with the pipeline\'s autoPromote', async () => {
    const body = pipelineBody('challenger', model, {
      gate: { metric: 'accuracy', direction: 'higher', tolerance: 0.05, holdout: 200 },
      register: { stage: 'staging', startExperiment: true, experimentMetric: 'clicked', autoPromote: true } });
    expect((await h.learning.request('POST', '/v1/pipelines', { body })).status).toBe(201);
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
      variants: [
        { key: 'control', version: first.version, weight: 0.5 },
        { key: 'challenger', version: second.version, weight: 0.5 },
      ],
    });
  });
});
