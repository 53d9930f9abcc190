import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildDrift } from '../config.js';
import { createMonitor, records, startDrift } from './harness.js';

// Two replicas on one database and one Redis prefix, both running workers and schedulers.
let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  a = await startDrift();
  b = await startTestApp(buildDrift, {}, { databaseUrl: a.databaseUrl, redisPrefix: a.redisPrefix });
});
afterAll(async () => {
  await a.app.close();
  await b.close();
});

const reports = async (id: string) =>
  (await a.request('GET', `/v1/monitors/${id}/reports?limit=200`)).body.items as { id: string; windowSeq: number; trigger: string }[];

describe('two replicas', () => {
  it('check each window once: concurrent on-demand checks on both replicas share one report', async () => {
    const { id } = await createMonitor(a, 'replicated');
    await b.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(1, 500) } });
    await a.request('POST', `/v1/monitors/${id}/records`, { body: { records: records(2, 300, 1) } });
    const answers = await Promise.all([a, b, a, b].map((app) => app.request('POST', `/v1/monitors/${id}/check`)));
    expect(new Set(answers.map((r) => r.body.id)).size).toBe(1);
    expect((await reports(id)).map((r) => r.windowSeq)).toEqual([300]);
  });

  it('run the schedule of a monitor once per window whatever the number of replicas', async () => {
    const { id } = await createMonitor(b, 'replicated-schedule', { schedule: { everySeconds: 5 } });
    await a.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(1, 500) } });
    for (const [k, app] of [a, b, a].entries()) {
      await app.request('POST', `/v1/monitors/${id}/records`, { body: { records: records(10 + k, 100, 1) } });
      const seq = (k + 1) * 100;
      let seen: number[] = [];
      for (let i = 0; i < 60 && !seen.includes(seq); i++) {
        await new Promise((r) => setTimeout(r, 250));
        seen = (await reports(id)).map((r) => r.windowSeq);
      }
      expect(seen).toContain(seq);
    }
    // One more interval passes with no new records: still one report per window.
    await new Promise((r) => setTimeout(r, 5_500));
    const all = await reports(id);
    expect(all.map((r) => r.windowSeq).sort((x, y) => x - y)).toEqual([100, 200, 300]);
    expect(all.every((r) => r.trigger === 'schedule')).toBe(true);
  }, 90_000);
});
