import { auditEntries } from '@modelyard/platform/testing';
import { ExperimentsTick } from '../experiments/experiments.tick.js';
import { experimentBody, modelWithVersions, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const log = (key: string) => auditEntries(h.experiments.databaseUrl, 'experiments', `experiment:${key}`);

describe('experiment changes are audited in experiments_audit_events', () => {
  it('records create, weights, update, start, stop, restart and conclusion with actor, before and after', async () => {
    const model = 'audited-model';
    await modelWithVersions(h.registry, model);
    const key = 'audited-exp';
    const e = h.experiments;
    expect((await e.request('POST', '/v1/experiments', { body: experimentBody(key, model), as: 'editor' })).status).toBe(201);
    const patch = (body: unknown) => e.request('PATCH', `/v1/experiments/${key}`, { body, as: 'editor' });
    expect((await patch({ weights: { control: 0.7, treatment: 0.3 } })).status).toBe(200);
    expect((await patch({ coverage: 0.5 })).status).toBe(200);
    expect((await e.request('POST', `/v1/experiments/${key}/start`, { as: 'editor' })).status).toBe(200);
    expect((await e.request('POST', `/v1/experiments/${key}/start`, { as: 'editor' })).status).toBe(409); // refused: not recorded
    expect((await e.request('POST', `/v1/experiments/${key}/stop`, { as: 'editor' })).status).toBe(200);
    expect((await e.request('POST', `/v1/experiments/${key}/start`)).status).toBe(200);
    const concluded = await e.request('POST', `/v1/experiments/${key}/conclude`, { body: { reason: 'enough data' } });
    expect(concluded.status).toBe(200);

    const entries = await log(key);
    expect(entries.map((x) => [x.action, x.actor])).toEqual([
      ['experiment.created', 'test-editor'],
      ['experiment.weights_changed', 'test-editor'],
      ['experiment.updated', 'test-editor'],
      ['experiment.started', 'test-editor'],
      ['experiment.stopped', 'test-editor'],
      ['experiment.started', 'test-admin'],
      ['experiment.concluded', 'test-admin'],
      ['experiment.conclusion_recorded', 'test-admin'],
    ]);
    expect(entries.every((x) => x.modelName === model && x.requestId)).toBe(true);
    const [created, weights, coverage, started] = entries;
    expect(created!.before).toBeNull();
    expect(created!.after).toMatchObject({ key, status: 'draft', createdBy: 'test-editor' });
    const weightsOf = (x: { variants: { key: string; weight: number }[] }) => x.variants.map((v) => [v.key, v.weight]);
    expect(weightsOf(weights!.before)).toEqual([
      ['control', 0.5],
      ['treatment', 0.5],
    ]);
    expect(weightsOf(weights!.after)).toEqual([
      ['control', 0.7],
      ['treatment', 0.3],
    ]);
    expect([coverage!.before.coverage, coverage!.after.coverage]).toEqual([1, 0.5]);
    expect([started!.before.status, started!.after.status]).toEqual(['draft', 'running']);
    const conclusion = entries[6]!;
    expect([conclusion.before.status, conclusion.after.status, conclusion.reason]).toEqual(['running', 'concluded', 'enough data']);
  });

  it('records the tick concluding an experiment past its maximum duration as system', async () => {
    const model = 'audited-model-2';
    await modelWithVersions(h.registry, model);
    const key = 'audited-timeout';
    const e = h.experiments;
    expect((await e.request('POST', '/v1/experiments', { body: experimentBody(key, model, { maxDurationHours: 1 }) })).status).toBe(201);
    expect((await e.request('POST', `/v1/experiments/${key}/start`)).status).toBe(200);
    await e.app.get(ExperimentsTick).tick(new Date(Date.now() + 2 * 3_600_000), true);
    expect((await e.request('GET', `/v1/experiments/${key}`)).body.status).toBe('concluded');
    const entries = await log(key);
    const concluded = entries.find((x) => x.action === 'experiment.concluded');
    expect(concluded).toMatchObject({ actor: 'system', requestId: null });
    expect(concluded!.reason).toContain('maximum duration reached');
  });
});
