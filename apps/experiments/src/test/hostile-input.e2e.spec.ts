import { deepJson } from '@modelyard/platform/testing';
import { experimentBody, modelWithVersions, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await modelWithVersions(h.registry, 'hostile', 2);
  expect((await h.experiments.request('POST', '/v1/experiments', { body: experimentBody('exp-hostile', 'hostile') })).status).toBe(201);
});
afterAll(() => h.close());

const api = () => h.experiments;
const json = { 'content-type': 'application/json' };
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

function expectNamed(res: { status: number; body: { errors?: { field: string; in?: string }[] } }, field: string, where = 'body') {
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, in: where })]));
}

describe('input that answered 500 answers 400, naming the field', () => {
  it('NUL and lone surrogates in an experiment and its events', async () => {
    expectNamed(await api().request('POST', '/v1/experiments', { body: experimentBody('exp-nul', 'hostile', { description: 'a\u0000b' }) }), 'description');
    expectNamed(await api().request('POST', '/v1/experiments', { body: experimentBody('exp-sur', 'hostile', { seed: 's\ud800' }) }), 'seed');
    const exposures = await api().request('POST', '/v1/experiments/exp-hostile/exposures', { body: { exposures: [{ unit: 'u\u0000' }] } });
    expectNamed(exposures, 'exposures.0.unit');
    const events = await api().request('POST', '/v1/experiments/exp-hostile/events', { body: { events: [{ unit: '\udc00', metric: 'conversion', value: 1 }] } });
    expectNamed(events, 'events.0.unit');
    expectNamed(await api().request('GET', '/v1/experiments/exp-hostile/assignment?unit=a%00b'), 'unit', 'query');
  });

  it('JSON nested 1,700 levels deep', async () => {
    const res = await api().request('POST', '/v1/experiments', { raw: `{"key":"deep","x":${deepJson(1700)}}`, headers: json });
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
    expect((await api().request('POST', '/v1/experiments', { body: experimentBody('exp-empty', 'hostile') })).status).toBe(201);
    expect((await api().request('POST', '/v1/experiments/exp-empty/start', { raw: '', headers: json })).body.status).toBe('running');
    expect((await api().request('POST', '/v1/experiments/exp-empty/stop', { raw: '', headers: json })).body.status).toBe('stopped');
    const concluded = await api().request('POST', '/v1/experiments/exp-empty/conclude', { raw: '', headers: json });
    expect(concluded.status).toBe(200);
    expect(concluded.body.experiment.status).toBe('concluded');
  });
});
