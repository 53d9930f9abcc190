import { signJwt } from '@modelyard/platform/testing';
import { createModel, pipelineBody, startHarness, type Harness } from './harness.js';

const alice = { bearer: signJwt({ sub: 'alice', roles: ['admin'] }) };
const bob = { bearer: signJwt({ sub: 'bob', roles: ['editor'] }) };
const AUTO = { stage: 'staging', startExperiment: true, experimentMetric: 'clicked', autoPromote: true };

let h: Harness;
const model = 'auto-promote-model';
beforeAll(async () => {
  h = await startHarness();
  await createModel(h.registry, model);
});
afterAll(() => h.close());

describe('register.autoPromote needs the admin scope', () => {
  it('an editor turning it on is refused with a 403 naming admin, on create and on PATCH; off is fine', async () => {
    const created = await h.learning.request('POST', '/v1/pipelines', {
      body: pipelineBody('by-editor', model, { register: AUTO }),
      as: bob,
    });
    expect(created.status).toBe(403);
    expect(created.headers.get('content-type')).toContain('application/problem+json');
    expect(created.body).toMatchObject({ status: 403, neededScope: 'admin' });
    expect(created.body.detail).toContain("'admin'");
    expect((await h.learning.request('GET', '/v1/pipelines/by-editor')).status).toBe(404);

    const plain = await h.learning.request('POST', '/v1/pipelines', {
      body: pipelineBody('by-editor', model, { register: { ...AUTO, autoPromote: false } }),
      as: bob,
    });
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({ register: { autoPromote: false }, autoPromoteEnabledBy: null, createdBy: 'bob' });
    const patched = await h.learning.request('PATCH', '/v1/pipelines/by-editor', { body: { register: AUTO }, as: bob });
    expect(patched.status).toBe(403);
    expect(patched.body.neededScope).toBe('admin');
    expect((await h.learning.request('GET', '/v1/pipelines/by-editor')).body.register.autoPromote).toBe(false);
    const other = await h.learning.request('PATCH', '/v1/pipelines/by-editor', {
      body: { register: { ...AUTO, autoPromote: false, stage: 'testing' } },
      as: bob,
    });
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({ register: { stage: 'testing', autoPromote: false }, autoPromoteEnabledBy: null });
  });

  it('an admin turns it on (create or PATCH) and is on record; an editor turning it off clears the record', async () => {
    const created = await h.learning.request('POST', '/v1/pipelines', {
      body: pipelineBody('by-admin', model, { register: AUTO }),
      as: alice,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ register: { autoPromote: true }, autoPromoteEnabledBy: 'alice' });

    await h.learning.request('POST', '/v1/pipelines', { body: pipelineBody('later', model), as: bob });
    const on = await h.learning.request('PATCH', '/v1/pipelines/later', { body: { register: AUTO }, as: alice });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ register: { autoPromote: true }, autoPromoteEnabledBy: 'alice' });
    const off = await h.learning.request('PATCH', '/v1/pipelines/later', { body: { register: { ...AUTO, autoPromote: false } }, as: bob });
    expect(off.body).toMatchObject({ register: { autoPromote: false }, autoPromoteEnabledBy: null });
  });
});
