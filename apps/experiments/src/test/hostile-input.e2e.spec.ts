import { deepJson } from '@modelyard/platform/testing';
import { experimentBody, modelWithVersions, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await modelWithVersions(h.registry, 'hostile', 2);
  const body = experimentBody('exp-hostile', 'hostile');
  expect((await h.experiments.request('POST', '/v1/experiments', { body })).status).toBe(201);
});
afterAll(() => h.close());

const api = () => h.experiments;
const json = { 'content-type': 'application/json' };
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

type Answer = { status: number; body: { errors?: { field: string; in?: string }[] } };

/** A 400 whose field errors name `field` (in `where`). */
function expectNamed(res: Answer, field: string, where = 'body') {
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, in: where })]));
}

describe('input that answered 500 answers 400, naming the field', () => {
  it('NUL and lone surrogates in an experiment and its events', async () => {
    const create = (extra: Record<string, unknown>) =>
      api().request('POST', '/v1/experiments', { body: experimentBody('exp-bad', 'hostile', extra) });
    expectNamed(await create({ description: 'a\u0000b' }), 'description');
    expectNamed(await create({ seed: 's\ud800' }), 'seed');
    const post = (path: string, body: unknown) => api().request('POST', `/v1/experiments/exp-hostile/${path}`, { body });
    expectNamed(await post('exposures', { exposures: [{ unit: 'u\u0000' }] }), 'exposures.0.unit');
    const events = [{ unit: '\udc00', metric: 'conversion', value: 1 }];
    expectNamed(await post('events', { events }), 'events.0.unit');
    expectNamed(await api().request('GET', '/v1/experiments/exp-hostile/assignment?unit=a%00b'), 'unit', 'query');
  });

  it('JSON nested 1,700 levels deep', async () => {
    const raw = `{"key":"deep","x":${deepJson(1700)}}`;
    const res = await api().request('POST', '/v1/experiments', { raw, headers: json });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/nested deeper than 64 levels/);
  });

  it('a cursor holding NUL', async () => {
    expectNamed(await api().request('GET', `/v1/experiments?cursor=${b64('exp\u0000')}`), 'cursor', 'query');
  });
});

describe('a variant called after an Object.prototype member', () => {
  it('counts zero units before any exposure, not NaN', async () => {
    const body = experimentBody('exp-proto', 'hostile', {
      variants: [
        { key: 'control', version: '1.0.0', weight: 0.5 },
        { key: 'constructor', version: '1.0.1', weight: 0.5 },
      ],
    });
    expect((await api().request('POST', '/v1/experiments', { body })).status).toBe(201);
    expect((await api().request('POST', '/v1/experiments/exp-proto/start')).status).toBe(200);
    const results = await api().request('GET', '/v1/experiments/exp-proto/results');
    expect(results.status).toBe(200);
    expect(results.body.variants.map((v: { key: string; units: number }) => [v.key, v.units])).toEqual([
      ['control', 0],
      ['constructor', 0],
    ]);
  });
});

describe('an empty JSON body is an absent body', () => {
  it('starts, stops and concludes with content-type: application/json and nothing else', async () => {
    const body = experimentBody('exp-empty', 'hostile');
    expect((await api().request('POST', '/v1/experiments', { body })).status).toBe(201);
    const bare = (action: string) => api().request('POST', `/v1/experiments/exp-empty/${action}`, { raw: '', headers: json });
    expect((await bare('start')).body.status).toBe('running');
    expect((await bare('stop')).body.status).toBe('stopped');
    const concluded = await bare('conclude');
    expect(concluded.status).toBe(200);
    expect(concluded.body.experiment.status).toBe('concluded');
  });
});
