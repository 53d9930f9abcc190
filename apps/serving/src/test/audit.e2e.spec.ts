import { treeEnsembleClassifierOnnx } from '@modelyard/learners/testing';
import { auditEntries } from '@modelyard/platform/testing';
import { KIT_SCHEMA, productionVersion, stagedVersion, uniqueName, untilServing } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('shadow changes are audited in serving_audit_events', () => {
  it('records a shadow set, replaced and removed', async () => {
    const model = uniqueName('audited');
    const tree = treeEnsembleClassifierOnnx();
    const primary = await productionVersion(h.registry, model, { bytes: tree, inputSchema: KIT_SCHEMA });
    const twin = await stagedVersion(h.registry, model, { bytes: tree, inputSchema: KIT_SCHEMA });
    await untilServing(h.serving, model, primary);
    const shadow = (method: string, body?: unknown) => h.serving.request(method, `/v1/models/${model}/shadow`, { body, as: 'editor' });
    expect((await shadow('PUT', { version: twin, fraction: 0.5 })).status).toBe(200);
    expect((await shadow('PUT', { version: twin, fraction: 1 })).status).toBe(200);
    expect((await shadow('PUT', { version: '9.9.9', fraction: 1 })).status).toBe(404); // refused: not recorded
    expect((await shadow('DELETE')).status).toBe(204);
    expect((await shadow('DELETE')).status).toBe(404);

    // Serving runs on the registry's database (one installation): its audit table is there.
    const entries = await auditEntries(h.registry.databaseUrl, 'serving', `shadow:${model}`);
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['shadow.set', 'test-editor'],
      ['shadow.set', 'test-editor'],
      ['shadow.removed', 'test-editor'],
    ]);
    expect(entries.every((e) => e.modelName === model && e.requestId)).toBe(true);
    expect(entries[0]!.before).toBeNull();
    expect(entries[0]!.after).toMatchObject({ version: twin, fraction: 0.5 });
    expect(entries[1]!.before).toMatchObject({ version: twin, fraction: 0.5 });
    expect(entries[1]!.after).toMatchObject({ version: twin, fraction: 1 });
    expect(entries[2]!.before).toMatchObject({ fraction: 1 });
    expect(entries[2]!.after).toBeNull();
  });
});
