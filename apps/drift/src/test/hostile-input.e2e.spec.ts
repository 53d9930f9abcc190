import { deepJson, type TestApp } from '@modelyard/platform/testing';
import { createMonitor, monitorBody, records, startDrift } from './harness.js';

let app: TestApp;
beforeAll(async () => {
  app = await startDrift();
});
afterAll(() => app.close());

const json = { 'content-type': 'application/json' };
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

type Answer = { status: number; body: { errors?: { field: string; in?: string }[] } };

/** A 400 whose field errors name `field` (in `where`). */
function expectNamed(res: Answer, field: string, where = 'body') {
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, in: where })]));
}

describe('input that answered 500 answers 400, naming the field', () => {
  it('NUL and other control characters in a monitor', async () => {
    expectNamed(await app.request('POST', '/v1/monitors', { body: monitorBody('a\u0000b') }), 'name');
    const control = await app.request('POST', '/v1/monitors', { body: monitorBody('ok', { model: 'churn\u001b' }) });
    expectNamed(control, 'model');
  });

  it('NUL and lone surrogates in records, keys and values', async () => {
    const { id } = await createMonitor(app, 'hostile-records');
    const post = (features: Record<string, unknown>) => {
      const record = { features: { age: 1, income: 2, plan: 'basic', ...features } };
      return app.request('POST', `/v1/monitors/${id}/records`, { body: { records: [record] } });
    };
    expectNamed(await post({ plan: 'pro\u0000' }), 'records.0.features.plan');
    expectNamed(await post({ plan: '\ud800' }), 'records.0.features.plan');
    expectNamed(await post({ 'x\u0000': 1 }), 'records.0.features.x\u0000');
    const columns = { plan: ['a', 'b\udc00'] };
    const ref = await app.request('POST', `/v1/monitors/${id}/reference`, { body: { columns } });
    expectNamed(ref, 'columns.plan.1');
  });

  it('JSON nested 1,700 levels deep', async () => {
    const raw = `{"name":"deep","x":${deepJson(1700)}}`;
    const res = await app.request('POST', '/v1/monitors', { raw, headers: json });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/nested deeper than 64 levels/);
  });

  it('a cursor holding NUL, and one that is not base64url', async () => {
    expectNamed(await app.request('GET', `/v1/monitors?cursor=${b64('\u0000')}`), 'cursor', 'query');
    expectNamed(await app.request('GET', '/v1/monitors?cursor=%00'), 'cursor', 'query');
    expectNamed(await app.request('GET', '/v1/alerts?cursor=!!!'), 'cursor', 'query');
    expectNamed(await app.request('GET', '/v1/dashboard/a%00b'), 'model', 'params');
  });
});

describe('a feature called after an Object.prototype member', () => {
  it('is missing from a record that lacks it (never read from the prototype)', async () => {
    const features = [
      { name: 'constructor', kind: 'numeric' },
      { name: 'age', kind: 'numeric' },
    ];
    const { id } = await createMonitor(app, 'proto-feature', { features });
    const reference = { columns: { constructor: [1, 2, 3, 4], age: [1, 2, 3, 4] } };
    expect((await app.request('POST', `/v1/monitors/${id}/reference`, { body: reference })).status).toBe(200);
    const res = await app.request('POST', `/v1/monitors/${id}/records`, { body: { records: [{ features: { age: 3 } }] } });
    expect(res.status).toBe(200);
    const report = await app.request('POST', `/v1/monitors/${id}/check`);
    expect(report.status).toBe(200);
    const missing = new Map(report.body.quality.map((q: { name: string; missing: number }) => [q.name, q.missing]));
    expect(missing).toEqual(
      new Map([
        ['constructor', 1],
        ['age', 0],
      ]),
    );
  });
});

describe('an empty JSON body is an absent body', () => {
  it('pauses, resumes and deletes a monitor sent content-type: application/json and nothing else', async () => {
    const { id } = await createMonitor(app, 'empty-body');
    const pause = await app.request('POST', `/v1/monitors/${id}/pause`, { raw: '', headers: json });
    expect(pause.status).toBe(200);
    expect(pause.body.status).toBe('paused');
    const resume = await app.request('POST', `/v1/monitors/${id}/resume`, { raw: '', headers: json });
    expect(resume.body.status).toBe('active');
    expect((await app.request('DELETE', `/v1/monitors/${id}`, { raw: '', headers: json })).status).toBe(204);
    expect((await app.request('GET', `/v1/monitors/${id}`)).status).toBe(404);
  });
});

describe('body limits', () => {
  it('keeps large bodies to ingestion routes', async () => {
    const { id } = await createMonitor(app, 'limits');
    const big = monitorBody('too-big', { description: 'x'.repeat(2 * 1024 * 1024) });
    const refused = await app.request('POST', '/v1/monitors', { body: big });
    expect(refused.status).toBe(413);
    // 10,000 records with long categories: about 2.5 MB, over the 1 MiB service-wide limit.
    const batch = records(5, 10_000).map((r) => ({ features: { ...r.features, plan: `plan-${'p'.repeat(150)}` } }));
    expect(JSON.stringify({ records: batch }).length).toBeGreaterThan(2 * 1024 * 1024);
    const accepted = await app.request('POST', `/v1/monitors/${id}/records`, { body: { records: batch } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.accepted).toBe(10_000);
  });
});
