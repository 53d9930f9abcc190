import { createModel, feed, pipelineBody, rows, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function history(pipeline: string): Promise<any[]> {
  return (await h.learning.request('GET', `/v1/pipelines/${pipeline}/history?limit=200`)).body.items.reverse();
}

/** Polls the history (oldest first) until `done` holds; fails with the history after `timeoutMs`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function historyUntil(pipeline: string, done: (items: any[]) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items = await history(pipeline);
    if (done(items)) return items;
    if (Date.now() > deadline)
      throw new Error(
        `${pipeline}: condition not met after ${timeoutMs} ms; history: ${JSON.stringify(items.map((u) => [u.seq, u.outcome, u.detail]))}`,
      );
    await sleep(100);
  }
}

/** Deletes the model in the registry: the next registration of the pipeline is answered 404, a permanent failure. */
async function deleteModel(model: string) {
  expect((await h.registry.request('DELETE', `/v1/models/${model}`)).status).toBe(204);
}

const failed = (items: { outcome: string }[]) => items.filter((u) => u.outcome === 'failed').length;
const registered = (items: { outcome: string }[]) => items.some((u) => u.outcome === 'registered');

describe('after an update failed for good', () => {
  it('a manual trigger runs the next update once the cause is fixed', async () => {
    const model = 'failing-manual';
    await createModel(h.registry, model);
    expect((await h.learning.request('POST', '/v1/pipelines', { body: pipelineBody('fail-manual', model) })).status).toBe(201);
    await feed(h.learning, 'fail-manual', rows(51, 1500));
    await deleteModel(model);

    const first = await h.learning.request('POST', '/v1/pipelines/fail-manual/trigger');
    expect(first.status).toBe(202);
    const [failure] = await historyUntil('fail-manual', (items) => failed(items) === 1);
    expect(failure).toMatchObject({ seq: 1, reason: 'manual', outcome: 'failed' });
    expect(failure.detail).toMatch(/404/);
    // Permanent: no retry follows.
    await sleep(2500);
    expect((await history('fail-manual')).length).toBe(1);

    await createModel(h.registry, model);
    const again = await h.learning.request('POST', '/v1/pipelines/fail-manual/trigger');
    expect(again.status).toBe(202);
    expect(again.body.jobId).toBe(first.body.jobId);
    const items = await historyUntil('fail-manual', registered);
    expect(items.map((u) => [u.seq, u.outcome])).toEqual([
      [1, 'failed'],
      [1, 'registered'],
    ]);
    const version = (await h.registry.request('GET', `/v1/models/${model}/versions/${items[1].version}`)).body;
    expect(version).toMatchObject({ model, stage: 'staging' });
    expect((await h.learning.request('GET', '/v1/pipelines/fail-manual/status')).body).toMatchObject({
      samplesSeen: 1300,
      currentVersion: items[1].version,
    });
  });

  it('new samples run the next update once the cause is fixed', async () => {
    const model = 'failing-samples';
    await createModel(h.registry, model);
    // Tolerance 1: every candidate passes, so the outcomes depend on the sample counts only.
    const gate = { metric: 'accuracy', direction: 'higher', tolerance: 1, holdout: 200 };
    const body = pipelineBody('fail-samples', model, { strategy: 'incremental', batchSize: 500, gate });
    expect((await h.learning.request('POST', '/v1/pipelines', { body })).status).toBe(201);
    await deleteModel(model);
    // 700 buffered: 500 to learn past the 200 held out, so the samples trigger an update, which fails.
    await feed(h.learning, 'fail-samples', rows(52, 700));
    await historyUntil('fail-samples', (items) => failed(items) === 1);

    await createModel(h.registry, model);
    await feed(h.learning, 'fail-samples', rows(53, 100));
    // 800 buffered: a run of 500, then one of the 100 left past the holdout.
    const items = await historyUntil('fail-samples', (all) => all.filter((u) => u.outcome === 'registered').length === 2);
    expect(items.map((u) => [u.seq, u.reason, u.outcome, u.samples])).toEqual([
      [1, 'samples', 'failed', 0],
      [1, 'samples', 'registered', 500],
      [2, 'samples', 'registered', 100],
    ]);
    await sleep(300); // the buffer is trimmed just after the commit
    expect((await h.learning.request('GET', '/v1/pipelines/fail-samples/status')).body).toMatchObject({
      samplesSeen: 600,
      bufferSize: 200,
    });
  });
});
