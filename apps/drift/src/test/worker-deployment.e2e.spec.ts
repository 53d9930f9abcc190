import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildDrift } from '../config.js';
import { createMonitor, records, startDrift } from './harness.js';

// The Kubernetes shape: an API deployment that runs no workers (RUN_WORKERS=0) and a worker
// deployment (WORKER_ONLY=1) on the same database and Redis prefix.
let api: TestApp;
let worker: TestApp | undefined;
beforeAll(async () => {
  api = await startDrift({ RUN_WORKERS: '0' });
});
afterAll(async () => {
  await worker?.close();
  await api.close();
});

/** `ml_queue_jobs` of one queue and state from a /metrics exposition (null when the series is absent). */
function queueJobs(exposition: string, queue: string, state: string): number | null {
  const line = exposition
    .split('\n')
    .find((l) => l.startsWith('ml_queue_jobs{') && l.includes(`queue="${queue}"`) && l.includes(`state="${state}"`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : null;
}
const metrics = async (app: TestApp) => (await app.request('GET', '/metrics', { as: null })).text;

describe('API and worker deployments', () => {
  it('queue work on the API replica (its depth in ml_queue_jobs) that the worker-only replica runs', async () => {
    const { id } = await createMonitor(api, 'split-deployments');
    expect((await api.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(1, 300) } })).status).toBe(200);
    expect((await api.request('POST', `/v1/monitors/${id}/records`, { body: { records: records(2, 300, 1) } })).status).toBe(200);
    // The monitor's own schedule may have a job waiting already: the window check adds one more.
    const before = queueJobs(await metrics(api), 'drift-checks', 'waiting')!;
    const queued = await api.request('POST', `/v1/monitors/${id}/check/window`, { body: { window: { lastHours: 24 } } });
    expect(queued.status).toBe(202);
    expect(queueJobs(await metrics(api), 'drift-checks', 'waiting')).toBe(before + 1);
    expect(queueJobs(await metrics(api), 'drift-checks', 'failed')).toBe(0);

    worker = await startTestApp(buildDrift, { WORKER_ONLY: '1' }, { databaseUrl: api.databaseUrl, redisPrefix: api.redisPrefix });
    // A worker pod serves health and metrics for its probes and Prometheus, and no API.
    expect((await worker.request('GET', '/health/ready', { as: null })).status).toBe(200);
    expect((await worker.request('GET', `/v1/monitors/${id}`)).status).toBe(404);
    let status = 'queued';
    for (let i = 0; i < 200 && status !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await api.request('GET', `/v1/monitors/${id}/check/window/${queued.body.checkId}`)).body.status;
    }
    expect(status).toBe('done');
    expect(queueJobs(await metrics(worker), 'drift-checks', 'waiting')).toBe(0);
    expect(queueJobs(await metrics(api), 'drift-checks', 'active')).toBe(0);
  });
});
