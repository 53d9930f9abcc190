import { deepJson } from '@modelyard/platform/testing';
import { createModel, pipelineBody, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await createModel(h.registry, 'hostile');
  const created = await h.learning.request('POST', '/v1/pipelines', { body: pipelineBody('hostile', 'hostile') });
  expect(created.status).toBe(201);
});
afterAll(() => h.close());

const api = () => h.learning;
const json = { 'content-type': 'application/json' };
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

type Answer = { status: number; body: { errors?: { field: string; in?: string }[] } };

/** A 400 whose field errors name `field` (in `where`). */
function expectNamed(res: Answer, field: string, where = 'body') {
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, in: where })]));
}

describe('input that answered 500 answers 400, naming the field', () => {
  it('NUL and lone surrogates in a pipeline and its samples', async () => {
    const body = pipelineBody('nul', 'hostile', { description: 'a\u0000b' });
    expectNamed(await api().request('POST', '/v1/pipelines', { body }), 'description');
    const samples = (row: Record<string, unknown>) => api().request('POST', '/v1/pipelines/hostile/samples', { body: { samples: [row] } });
    expectNamed(await samples({ f0: 1, label: 1, f1: 'x\u0000' }), 'samples.0.f1');
    expectNamed(await samples({ f0: 1, label: 1, f1: '\ud800' }), 'samples.0.f1');
    expectNamed(await samples({ f0: 1, label: 1, 'f\u0000': 2 }), 'samples.0.f\u0000');
    expectNamed(await api().request('GET', '/v1/pipelines/a%00b'), 'id', 'params');
  });

  it('JSON nested 1,700 levels deep', async () => {
    const raw = `{"samples":[${deepJson(1700)}]}`;
    const res = await api().request('POST', '/v1/pipelines/hostile/samples', { raw, headers: json });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/nested deeper than 64 levels/);
  });

  it('a cursor holding NUL', async () => {
    expectNamed(await api().request('GET', `/v1/pipelines?cursor=${b64('p\u0000')}`), 'cursor', 'query');
    expectNamed(await api().request('GET', `/v1/pipelines/hostile/history?cursor=${b64('\u0000')}`), 'cursor', 'query');
  });
});

describe('a feature called after an Object.prototype member', () => {
  it('may be missing from a sample, as any feature may', async () => {
    const features = [
      { name: 'constructor', kind: 'numeric' },
      { name: 'f0', kind: 'numeric' },
    ];
    const body = pipelineBody('proto-feature', 'hostile', { features });
    expect((await api().request('POST', '/v1/pipelines', { body })).status).toBe(201);
    const samples: Record<string, number>[] = [
      { f0: 1, label: 0 },
      { f0: 2, constructor: 3, label: 1 },
    ];
    const res = await api().request('POST', '/v1/pipelines/proto-feature/samples', { body: { samples } });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
  });
});

describe('an empty JSON body is an absent body', () => {
  it('pauses, resumes and deletes a pipeline sent content-type: application/json and nothing else', async () => {
    const body = pipelineBody('empty-body', 'hostile');
    expect((await api().request('POST', '/v1/pipelines', { body })).status).toBe(201);
    const bare = (action: string) => api().request('POST', `/v1/pipelines/empty-body/${action}`, { raw: '', headers: json });
    expect((await bare('pause')).body.state).toBe('paused');
    expect((await bare('resume')).body.state).toBe('active');
    expect((await api().request('DELETE', '/v1/pipelines/empty-body', { raw: '', headers: json })).status).toBe(204);
    expect((await api().request('GET', '/v1/pipelines/empty-body')).status).toBe(404);
  });
});
