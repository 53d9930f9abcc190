import { createModel, feed, pipelineBody, rows, startHarness, type Harness } from './harness.js';

let h: Harness;
const model = 'min-samples-model';
beforeAll(async () => {
  h = await startHarness();
  await createModel(h.registry, model);
});
afterAll(async () => {
  await h.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Tolerance 1: every candidate passes, so the runs' outcomes depend on the sample counts only.
const gate = { metric: 'accuracy', direction: 'higher', tolerance: 1, holdout: 200 };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function history(pipeline: string): Promise<any[]> {
  return (await h.learning.request('GET', `/v1/pipelines/${pipeline}/history?limit=200`)).body.items.reverse();
}

/** Polls until the pipeline has registered a version; fails (with the history) after `timeoutMs`. */
async function firstRegistered(pipeline: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items = await history(pipeline);
    const registered = items.find((u) => u.outcome === 'registered');
    if (registered) return registered;
    if (Date.now() > deadline)
      throw new Error(
        `${pipeline}: nothing registered after ${timeoutMs} ms; ${items.length} history rows, first: ${JSON.stringify(items.slice(0, 2))}`,
      );
    await sleep(100);
  }
}

/**
 * The history once it has at least `count` rows and then nothing more for 1.5 s (a run that should
 * not happen would have shown by then); fails after 20 s without `count` rows.
 */
async function settledHistory(pipeline: string, count: number) {
  const deadline = Date.now() + 20_000;
  let items = await history(pipeline);
  while (items.length < count) {
    if (Date.now() > deadline) throw new Error(`${pipeline}: ${items.length} history rows after 20 s, expected ${count}`);
    await sleep(100);
    items = await history(pipeline);
  }
  await sleep(1500);
  return history(pipeline);
}

describe('minSamples above batchSize', () => {
  it.each([
    ['incremental', 'min-incr'],
    ['mini_batch', 'min-mini'],
  ])('%s: the first run learns up to minSamples (no skip loop), then batchSize at a time', async (strategy, name) => {
    const created = await h.learning.request('POST', '/v1/pipelines', {
      body: pipelineBody(name, model, { strategy, batchSize: 100, minSamples: 1000, gate }),
    });
    expect(created.status).toBe(201);
    await feed(h.learning, name, rows(41, 1300));

    const first = await firstRegistered(name);
    expect(first).toMatchObject({ seq: 1, reason: 'samples', outcome: 'registered', samples: 1000, holdout: 200 });
    // The next 100 trainable samples make one more run; then only the holdout is left, and nothing runs.
    const items = await settledHistory(name, 2);
    expect(items.map((u) => [u.seq, u.outcome, u.samples])).toEqual([
      [1, 'registered', 1000],
      [2, 'registered', 100],
    ]);
    const status = (await h.learning.request('GET', `/v1/pipelines/${name}/status`)).body;
    expect(status).toMatchObject({ samplesSeen: 1100, bufferSize: 200 });
    const version = (await h.registry.request('GET', `/v1/models/${model}/versions/${first.version}`)).body;
    expect(version.metrics).toMatchObject({ samples: 1000, samples_seen: 1000 });
  });

  it('a run that finds too few samples for minSamples skips once and does not trigger itself again', async () => {
    const name = 'min-manual';
    const body = pipelineBody(name, model, { strategy: 'incremental', batchSize: 100, minSamples: 1000, gate });
    expect((await h.learning.request('POST', '/v1/pipelines', { body })).status).toBe(201);
    await feed(h.learning, name, rows(42, 500));
    expect((await h.learning.request('POST', `/v1/pipelines/${name}/trigger`)).status).toBe(202);
    const items = await settledHistory(name, 1);
    expect(items.map((u) => [u.outcome, u.detail])).toEqual([['skipped', 'waiting for minSamples 1000']]);
  });
});
