import { auditEntries } from '@modelyard/platform/testing';
import { createModel, feed, pipelineBody, rows, startHarness, type Harness } from './harness.js';
import { waitForTuning } from './tuning-helpers.js';

let h: Harness;
const model = 'audited-learning';
beforeAll(async () => {
  h = await startHarness();
  await createModel(h.registry, model);
});
afterAll(() => h.close());

const log = (id: string) => auditEntries(h.learning.databaseUrl, 'learning', `pipeline:${id}`);

describe('learning changes are audited in learning_audit_events', () => {
  it('records a pipeline created, updated, paused, resumed and deleted, with before and after', async () => {
    const l = h.learning;
    const created = await l.request('POST', '/v1/pipelines', { body: pipelineBody('audited', model), as: 'editor' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await l.request('PATCH', '/v1/pipelines/audited', { body: { minSamples: 50 }, as: 'editor' })).status).toBe(200);
    expect((await l.request('POST', '/v1/pipelines/audited/pause', { as: 'editor' })).status).toBe(200);
    expect((await l.request('POST', '/v1/pipelines/audited/pause', { as: 'editor' })).status).toBe(200); // no change: not recorded
    expect((await l.request('POST', '/v1/pipelines/audited/resume', { as: 'editor' })).status).toBe(200);
    expect((await l.request('DELETE', '/v1/pipelines/audited')).status).toBe(204);

    const entries = await log(id);
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['pipeline.created', 'test-editor'],
      ['pipeline.updated', 'test-editor'],
      ['pipeline.paused', 'test-editor'],
      ['pipeline.resumed', 'test-editor'],
      ['pipeline.deleted', 'test-admin'],
    ]);
    expect(entries.every((e) => e.modelName === model && e.requestId)).toBe(true);
    expect(entries[0]!.after).toMatchObject({ id, name: 'audited', createdBy: 'test-editor' });
    expect([entries[1]!.before.minSamples, entries[1]!.after.minSamples]).toEqual([expect.any(Number), 50]);
    expect(entries[1]!.before.minSamples).not.toBe(50);
    expect([entries[2]!.before.state, entries[2]!.after.state]).toEqual(['active', 'paused']);
    expect(entries[4]!.after).toBeNull();
  });

  it('records a tuning started and applied', async () => {
    const l = h.learning;
    const created = await l.request('POST', '/v1/pipelines', { body: pipelineBody('tuned-audit', model) });
    const id = created.body.id as string;
    await feed(l, 'tuned-audit', rows(5, 900));
    const started = await l.request('POST', '/v1/pipelines/tuned-audit/tune', {
      body: { space: { alpha: { min: 0.01, max: 1 } }, budget: { trials: 3, eta: 3 }, metric: 'accuracy', direction: 'higher' },
      as: 'editor',
    });
    expect(started.status).toBe(202);
    const done = await waitForTuning(l, 'tuned-audit', started.body.id);
    expect(done.status).toBe('completed');
    expect((await l.request('POST', `/v1/pipelines/tuned-audit/tunings/${started.body.id}/apply`)).status).toBe(200);

    const entries = (await log(id)).filter((e) => e.action.startsWith('tuning.'));
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['tuning.started', 'test-editor'],
      ['tuning.applied', 'test-admin'],
    ]);
    expect(entries[0]!.after).toMatchObject({ id: started.body.id, samples: 900 });
    expect(entries[0]!.after.trials).toHaveLength(3);
    const applied = entries[1]!;
    expect(applied.reason).toBe(`tuning ${started.body.id}`);
    expect(applied.before.learner.hyperparameters.alpha).toBe(0.2);
    expect(applied.after.learner.hyperparameters.alpha).toBe(done.best.params.hyperparameters.alpha);
  });
});
