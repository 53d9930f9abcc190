import { deepJson, startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { createModel, createVersion, stagedVersion } from './factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
});
afterAll(() => t.close());

const json = { 'content-type': 'application/json' };
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

type Answer = { status: number; body: { errors?: { field: string; in?: string }[] } };

/** A 400 whose field errors name `field` (in `where`). */
function expectNamed(res: Answer, field: string, where = 'body') {
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, in: where })]));
}

describe('input that answered 500 answers 400, naming the field', () => {
  it('NUL in any string: body, free-form JSON, query and path', async () => {
    const body = { name: 'nul', description: 'a\u0000b' };
    expectNamed(await t.request('POST', '/v1/models', { body }), 'description');
    const m = await createModel(t);
    const version = (body: unknown) => t.request('POST', `/v1/models/${m}/versions`, { body });
    expectNamed(await version({ params: { lr: 'a\u0000' } }), 'params.lr');
    expectNamed(await version({ config: { 'k\u0000': 1 } }), 'config.k\u0000');
    expectNamed(await t.request('GET', '/v1/models?prefix=a%00'), 'prefix', 'query');
    expectNamed(await t.request('GET', '/v1/models/a%00b'), 'name', 'params');
  });

  it('lone surrogates, which were silently stored as U+FFFD', async () => {
    expectNamed(await t.request('POST', '/v1/models', { body: { name: 'sur', owner: 'a\ud800b' } }), 'owner');
    expectNamed(await t.request('POST', '/v1/models', { body: { name: 'sur', description: '\udc00' } }), 'description');
    expect((await t.request('GET', '/v1/models/sur')).status).toBe(404);
  });

  it('JSON nested 1,700 levels deep', async () => {
    const m = await createModel(t);
    const raw = `{"params":{"x":${deepJson(1700)}}}`;
    const res = await t.request('POST', `/v1/models/${m}/versions`, { raw, headers: json });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/nested deeper than 64 levels/);
    expect(res.body.errors).toEqual([{ field: '(body)', in: 'body', message: 'nesting depth exceeds 64' }]);
  });

  it('a cursor holding NUL, and an audit cursor out of bigint range', async () => {
    expectNamed(await t.request('GET', `/v1/models?cursor=${b64('\u0000')}`), 'cursor', 'query');
    // An audit cursor is the last entry's (at, service, id); ids are Postgres bigints.
    const audit = (id: string) => b64(`2026-12-01T00:00:00.000Z~registry~${id}`);
    expectNamed(await t.request('GET', `/v1/audit?cursor=${audit('9223372036854775808')}`), 'cursor', 'query');
    expectNamed(await t.request('GET', `/v1/audit?cursor=${audit('9999999999999999999')}`), 'cursor', 'query');
    expect((await t.request('GET', `/v1/audit?cursor=${audit('9223372036854775807')}`)).status).toBe(200);
    // A bare id was the cursor when the log was the registry's alone: no longer one this endpoint returns.
    expectNamed(await t.request('GET', `/v1/audit?cursor=${b64('12')}`), 'cursor', 'query');
  });
});

describe('metric names that are Object.prototype members', () => {
  it('are not found on a version that lacks them', async () => {
    const m = await createModel(t);
    await createVersion(t, m, { version: '1.0.0', metrics: { auc: 0.7 } });
    const res = await t.request('GET', `/v1/models/${m}/versions/1.0.0/should-promote?metric=constructor`);
    expect(res.status).toBe(200);
    const reason = "the candidate has no value for 'constructor'";
    expect(res.body).toMatchObject({ promote: false, candidateValue: null, reason });
    await createVersion(t, m, { version: '1.1.0', metrics: { auc: 0.8, toString: 1 } });
    const compared = await t.request('GET', `/v1/models/${m}/compare?versions=1.0.0,1.1.0`);
    expect(compared.body.metrics.find((r: { name: string }) => r.name === 'toString')).toEqual({
      name: 'toString',
      values: { '1.0.0': null, '1.1.0': 1 },
      diff: { '1.0.0': null, '1.1.0': null },
    });
  });
});

describe('an empty JSON body is an absent body', () => {
  it('promotes and deletes with content-type: application/json and nothing else', async () => {
    const m = await createModel(t);
    const v = await stagedVersion(t, m);
    const promoted = await t.request('POST', `/v1/models/${m}/versions/${v}/promote`, { raw: '', headers: json });
    expect(promoted.status).toBe(200);
    expect(promoted.body.promoted.stage).toBe('production');
    const other = await createModel(t);
    expect((await t.request('DELETE', `/v1/models/${other}`, { raw: '', headers: json })).status).toBe(204);
    expect((await t.request('GET', `/v1/models/${other}`)).status).toBe(404);
  });
});
