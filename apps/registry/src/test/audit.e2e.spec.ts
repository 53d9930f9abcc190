import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { createModel } from './factories.js';

let t: TestApp;
let name: string;
let between: string;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
  name = await createModel(t); // model.created by test-admin
  await t.request('POST', `/v1/models/${name}/versions`, { body: {}, as: 'editor' }); // version.created by test-editor
  await new Promise((r) => setTimeout(r, 20));
  between = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 20));
  await t.request('POST', `/v1/models/${name}/versions/1.0.0/transitions`, { body: { to: 'testing' }, as: 'editor' });
  await t.request('PATCH', `/v1/models/${name}`, { body: { description: 'audited' } }); // model.updated by test-admin
});
afterAll(() => t.close());

const actions = async (query: string) => {
  const res = await t.request('GET', `/v1/audit?model=${name}&${query}`, { as: 'viewer' });
  expect(res.status).toBe(200);
  return res.body.items.map((e: { action: string }) => e.action);
};

describe('GET /v1/audit filters', () => {
  it('filters by actor', async () => {
    expect(await actions('actor=test-editor')).toEqual(['version.stage_changed', 'version.created']);
    expect(await actions('actor=test-admin')).toEqual(['model.updated', 'model.created']);
    expect(await actions('actor=nobody')).toEqual([]);
  });

  it('filters by action, whole or by its start', async () => {
    expect(await actions('action=model.updated')).toEqual(['model.updated']);
    expect(await actions('action=version.')).toEqual(['version.stage_changed', 'version.created']);
  });

  it('filters by time: since is inclusive, until exclusive', async () => {
    expect(await actions(`since=${between}`)).toEqual(['model.updated', 'version.stage_changed']);
    expect(await actions(`until=${between}`)).toEqual(['version.created', 'model.created']);
    expect(await actions(`since=${between}&actor=test-editor`)).toEqual(['version.stage_changed']);
  });

  it('refuses bad filters with 400 naming the field', async () => {
    for (const [query, field] of [
      ['since=yesterday', 'since'],
      ['action=Version%20Created', 'action'],
      ['until=2026-13-01T00:00:00Z', 'until'],
    ] as const) {
      const res = await t.request('GET', `/v1/audit?${query}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
  });
});
