import type { TestApp } from '@modelyard/platform/testing';
import { createMonitor, records, startDrift } from './harness.js';
import { testRedis } from '@modelyard/platform/testing';

let app: TestApp;
let id: string;
beforeAll(async () => {
  app = await startDrift();
  ({ id } = await createMonitor(app, 'ingest', {
    prediction: { name: 'churned', kind: 'categorical' },
    label: { name: 'churned', kind: 'categorical' },
  }));
});
afterAll(() => app.close());

const ingest = (body: unknown, headers: Record<string, string> = {}) =>
  app.request('POST', `/v1/monitors/${id}/records`, { body, headers, as: 'editor' });
const count = async () => (await app.request('GET', `/v1/monitors/${id}`)).body.recordsIngested as number;

describe('ingestion', () => {
  it('accepts a batch and counts it; a retried batch with Idempotency-Key counts once', async () => {
    const batch = { records: records(1, 120) };
    const res = await ingest(batch, { 'idempotency-key': 'b-1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 120, recordsIngested: 120 });
    expect(res.body.ids).toHaveLength(120);
    const retry = await ingest(batch, { 'idempotency-key': 'b-1' });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await count()).toBe(120);
  });

  it('refuses a batch with an unknown feature or a prediction of the wrong kind, naming record and field, and keeps nothing', async () => {
    const before = await count();
    const good = records(2, 5);
    const bad = [
      good[0],
      { features: { ...good[1]!.features, colour: 'red' } },
      { features: { ...good[2]!.features, age: 'old' } },
      { features: { income: 1, plan: 'pro' } },
      { ...good[4], prediction: 1.5 },
    ];
    const res = await ingest({ records: bad });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    // A feature value of the wrong kind (record 2) is counted under the default `onInvalid: count`,
    // a missing one (record 3) is stored as missing: neither refuses the batch (data-quality.e2e.spec.ts).
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['records.1.features.colour', 'records.4.prediction']);
    expect(await count()).toBe(before);
  });

  it('refuses non-finite numbers (JSON 1e999 is Infinity) naming the field, and keeps nothing', async () => {
    const before = await count();
    const raw = `{"records":[{"features":{"age":30,"income":1,"plan":"pro"}},{"features":{"age":1e999,"income":1,"plan":"pro"}}]}`;
    const res = await app.request('POST', `/v1/monitors/${id}/records`, { raw, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('records.1.features.age');
    expect(await count()).toBe(before);
    const tooMany = await ingest({ records: Array.from({ length: 10_001 }, () => records(1, 1)[0]) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].field).toBe('records');
  });

  it('keeps the recent records, newest first, with their operational fields', async () => {
    const batch = records(3, 30).map((r, i) => ({
      ...r,
      prediction: 'yes',
      label: i % 2 ? 'yes' : 'no',
      confidence: 0.9,
      latencyMs: i,
      success: true,
    }));
    await ingest({ records: batch });
    const res = await app.request('GET', `/v1/monitors/${id}/records?limit=5`, { as: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(5);
    expect(res.body.items.map((r: { latencyMs: number }) => r.latencyMs)).toEqual([29, 28, 27, 26, 25]);
    expect(res.body.items[0].features).toEqual(batch[29]!.features);
    expect(typeof res.body.items[0].ts).toBe('string');
    expect((await app.request('GET', `/v1/monitors/${id}/records?limit=5000`)).status).toBe(400);
  });

  it('counts every record of concurrent batches exactly once', async () => {
    const before = await count();
    await Promise.all(Array.from({ length: 8 }, (_, k) => ingest({ records: records(10 + k, 250) })));
    expect(await count()).toBe(before + 2000);
  });
});

describe('hot window', () => {
  it('is kept in Redis as packed column chunks, trimmed to the window size', async () => {
    const redis = testRedis();
    try {
      const base = `${app.redisPrefix}:{mon:${id}}`;
      const lengths = (await redis.lrange(`${base}:counts`, 0, -1)).map(Number);
      const inWindow = Number(await redis.get(`${base}:in-window`));
      expect(inWindow).toBe(lengths.reduce((s, n) => s + n, 0));
      // Window size 500: dropping the oldest chunk would leave fewer than 500 records.
      expect(inWindow - lengths[0]!).toBeLessThan(500);
      expect(inWindow).toBeGreaterThanOrEqual(500);
      const last = (await redis.lrangeBuffer(`${base}:chunks`, -1, -1))[0]!;
      expect(last.readUInt32LE(0)).toBe(250);
      // 2 numeric features + confidence, latency, success, ts as float64; plan, prediction, label as dictionary + u32 codes;
      // the record ids, as a dictionary of 250 generated UUIDs (a JSON array of 38-byte strings) + codes;
      // last the type violations, none here: an empty dictionary and 250 "absent" codes.
      const numeric = 6 * (1 + 250 * 8);
      const categorical = 3 * (1 + 4 + 250 * 4);
      const ids = 1 + 4 + (2 + 250 * 38 + 249) + 250 * 4;
      const invalid = 1 + 4 + 2 + 250 * 4;
      expect(last.length).toBeGreaterThan(6 + numeric + categorical + ids + invalid);
      expect(last.length).toBeLessThan(6 + numeric + categorical + ids + invalid + 3 * 40);
    } finally {
      await redis.quit();
    }
  });
});

describe('reference', () => {
  it('takes columns, extends them with append, and freezes the window', async () => {
    const res = await app.request('POST', `/v1/monitors/${id}/reference`, {
      body: { columns: { age: [30, 40, 50], plan: ['pro', 'pro', 'basic'], churned: ['no', 'yes', 'no'] } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rows: 3, version: 1 });
    expect(res.body.columns.sort()).toEqual(['$prediction', 'age', 'plan']);
    const appended = await app.request('POST', `/v1/monitors/${id}/reference`, { body: { columns: { age: [60, 70] }, append: true } });
    expect(appended.body).toMatchObject({ rows: 5, version: 2 });
    const bad = await app.request('POST', `/v1/monitors/${id}/reference`, { body: { columns: { nope: [1], age: [1, 'x'] } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['columns.nope', 'columns.age.1']);

    const frozen = await app.request('POST', `/v1/monitors/${id}/reference/from-window`);
    expect(frozen.status).toBe(200);
    // The window holds the last 500 records.
    expect(frozen.body).toMatchObject({ rows: 500, version: 3 });
    expect((await app.request('GET', `/v1/monitors/${id}`)).body.reference).toMatchObject({ rows: 500, version: 3 });
  });

  it('counts categories named like Object.prototype members as ordinary categories', async () => {
    const plan = ['constructor', '__proto__', 'toString', 'constructor'];
    const res = await app.request('POST', `/v1/monitors/${id}/reference`, { body: { columns: { age: [1, 2, 3, 4], plan } } });
    expect(res.status).toBe(200);
    expect(res.body.rows).toBe(4);
    const appended = await app.request('POST', `/v1/monitors/${id}/reference`, {
      body: { columns: { plan: ['__proto__', 'valueOf'] }, append: true },
    });
    expect(appended.status).toBe(200);
    expect(appended.body.rows).toBe(6);
  });
});
