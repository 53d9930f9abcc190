import { createPrismaClient } from '@modelyard/db';
import { ks2samp, wassersteinNormed } from '@modelyard/stats';
import type { TestApp } from '@modelyard/platform/testing';
import { createMonitor, records, startDrift } from './harness.js';
import { testRedis } from '@modelyard/platform/testing';

// A reference is stored prepared (features sorted, with their distinct count) in Postgres and, per
// version, as one binary value in Redis that checks read; without that copy (expired, or a row
// written before references were sorted) a check reads Postgres and gives the same results.
let app: TestApp;
beforeAll(async () => {
  app = await startDrift();
});
afterAll(() => app.close());

const ingest = (id: string, body: unknown) => app.request('POST', `/v1/monitors/${id}/records`, { body });
const check = (id: string) => app.request('POST', `/v1/monitors/${id}/check`, { as: 'editor' });
const column = (rows: ReturnType<typeof records>, name: 'age' | 'income') => Float64Array.from(rows, (r) => r.features[name]);

it('stores features sorted, checks from the Redis copy, and from Postgres (old unsorted rows too) with the same results', async () => {
  const { id } = await createMonitor(app, 'storage', {
    features: [
      { name: 'age', kind: 'numeric', test: 'ks' },
      { name: 'income', kind: 'numeric', test: 'wasserstein' },
      { name: 'plan', kind: 'categorical' },
    ],
  });
  const reference = records(11, 1500);
  expect((await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: reference } })).status).toBe(200);
  const prisma = createPrismaClient(app.databaseUrl);
  const redis = testRedis();
  const key = `${app.redisPrefix}:{mon:${id}}:ref:1`;
  try {
    const stored = await prisma.driftReference.findUnique({ where: { monitorId_column: { monitorId: id, column: 'age' } } });
    const values = new Float64Array(new Uint8Array(stored!.values!).buffer);
    expect(Array.from(values)).toEqual(Array.from(column(reference, 'age')).sort((a, b) => a - b));
    expect(stored).toMatchObject({ sorted: true, distinct: new Set(column(reference, 'age')).size, rows: 1500 });
    expect(await redis.exists(key)).toBe(1);

    // Three windows: the Redis copy; no copy (Postgres, copy written again); an old unsorted row.
    const expected = (window: ReturnType<typeof records>) => ({
      age: ks2samp(column(reference, 'age'), column(window, 'age')),
      income: wassersteinNormed(column(reference, 'income'), column(window, 'income')),
    });
    const window: ReturnType<typeof records> = [];
    for (let round = 0; round < 3; round++) {
      const batch = records(20 + round, 200, 0.3);
      window.push(...batch);
      expect((await ingest(id, { records: batch })).status).toBe(200);
      if (round === 1) await redis.del(key);
      if (round === 2) {
        await redis.del(key);
        // As written before: unsorted values, no distinct count.
        const shuffled = column(reference, 'age').reverse();
        await prisma.driftReference.update({
          where: { monitorId_column: { monitorId: id, column: 'age' } },
          data: { values: new Uint8Array(shuffled.buffer), sorted: false, distinct: null },
        });
      }
      const res = await check(id);
      expect(res.status).toBe(200);
      const byName = new Map(res.body.features.map((f: { name: string }) => [f.name, f]));
      const want = expected(window.slice(-500));
      expect(byName.get('age')).toMatchObject({ test: 'ks', statistic: want.age.statistic, pValue: want.age.pValue });
      expect((byName.get('income') as { statistic: number }).statistic).toBeCloseTo(want.income, 12);
      if (round > 0) expect(await redis.exists(key)).toBe(1);
    }
  } finally {
    await redis.quit();
    await prisma.$disconnect();
  }
});

it('forgets the Redis copy of the version it replaces, and of a deleted monitor', async () => {
  const { id } = await createMonitor(app, 'forget');
  const redis = testRedis();
  const key = (v: number) => `${app.redisPrefix}:{mon:${id}}:ref:${v}`;
  try {
    await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(1, 100) } });
    expect(await redis.exists(key(1))).toBe(1);
    await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(2, 100), append: true } });
    expect([await redis.exists(key(1)), await redis.exists(key(2))]).toEqual([0, 1]);
    expect((await app.request('DELETE', `/v1/monitors/${id}`, { as: 'admin' })).status).toBe(204);
    expect(await redis.exists(key(2))).toBe(0);
  } finally {
    await redis.quit();
  }
});
