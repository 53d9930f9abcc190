import { tokenFor } from '@modelyard/platform/testing';
import { ConflictError, Modelyard, NotFoundError, ValidationError, collect, type PipelinesClient } from '@modelyard/sdk';
import type { UpdateEntry } from '@modelyard/types';
import { runCli, startFaultProxy, type FaultProxy } from '@modelyard/sdk/testing';
import { createModel, pipelineBody, rows, startHarness, type Harness } from './harness.js';

// The SDK's learning client and `pipelines` commands against a real learning service (with a real
// registry behind it). They live here, not in packages/sdk: this service depends on the SDK.

let h: Harness;
let my: Modelyard;
const model = 'sdk-learning-model';

/** The harness's body, typed for the SDK (its helper returns plain strings for enums). */
const body = (name: string, extra: Record<string, unknown> = {}) =>
  pipelineBody(name, model, extra) as Parameters<PipelinesClient['create']>[0];

/** Polls the history through the SDK until `count` finished runs exist; newest first. */
async function finishedRuns(ref: string, count: number, timeoutMs = 60_000): Promise<UpdateEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = (await collect(my.learning.pipelines.historyAll(ref))).filter((u) => u.outcome !== 'failed');
    if (done.length >= count) return done;
    if (Date.now() > deadline) throw new Error(`${ref}: ${done.length}/${count} updates after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  h = await startHarness();
  my = new Modelyard({ urls: { learning: h.learning.url, registry: h.registry.url }, token: tokenFor('admin') });
  await createModel(h.registry, model);
});
afterAll(() => h.close());

describe('my.learning.pipelines', () => {
  it('creates (keyed: a repeat with the same key is the same pipeline), gets by name or id, lists, updates, pauses and resumes, deletes', async () => {
    const created = await my.learning.pipelines.create(body('sdk-crud', { description: 'through the SDK' }), {
      idempotencyKey: 'sdk-crud-1',
    });
    expect(created).toMatchObject({
      name: 'sdk-crud',
      model,
      state: 'active',
      description: 'through the SDK',
      register: { stage: 'staging', autoPromote: false },
    });
    expect(
      (await my.learning.pipelines.create(body('sdk-crud', { description: 'through the SDK' }), { idempotencyKey: 'sdk-crud-1' })).id,
    ).toBe(created.id);
    await expect(my.learning.pipelines.create(body('sdk-crud'))).rejects.toBeInstanceOf(ConflictError);

    expect((await my.learning.pipelines.get('sdk-crud')).id).toBe(created.id);
    expect((await my.learning.pipelines.get(created.id)).name).toBe('sdk-crud');
    expect((await my.learning.pipelines.list({ model })).items.map((p) => p.name)).toContain('sdk-crud');

    const updated = await my.learning.pipelines.update('sdk-crud', {
      batchSize: 50,
      register: { startExperiment: true, autoPromote: true },
    });
    expect(updated).toMatchObject({ batchSize: 50, register: { stage: 'staging', startExperiment: true, autoPromote: true } });
    expect((await my.learning.pipelines.pause('sdk-crud')).state).toBe('paused');
    expect((await my.learning.pipelines.list({ state: 'paused' })).items.map((p) => p.name)).toEqual(['sdk-crud']);
    expect((await my.learning.pipelines.resume('sdk-crud')).state).toBe('active');

    await my.learning.pipelines.delete('sdk-crud');
    await expect(my.learning.pipelines.get('sdk-crud')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('typed errors: unknown pipeline → NotFoundError 404; a bad row → ValidationError 400 naming samples.<row>.<field>, nothing kept', async () => {
    const err = await my.learning.pipelines.status('no-such-pipeline').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ status: 404, code: 'not_found' });
    await expect(my.learning.samples('no-such-pipeline', rows(1, 1))).rejects.toBeInstanceOf(NotFoundError);

    await my.learning.pipelines.create(body('sdk-errors'));
    const batch: Record<string, unknown>[] = rows(2, 3);
    batch[1] = { ...batch[1], f2: 'not a number' };
    const bad = await my.learning.samples('sdk-errors', batch as never).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).status).toBe(400);
    expect((bad as ValidationError).errors.map((e) => e.field)).toEqual(['samples.1.f2']);
    expect((await my.learning.pipelines.status('sdk-errors')).bufferSize).toBe(0);
  });
});

describe('samples through the ingestor, then an update', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(h.learning.url);
  });
  afterAll(() => proxy.close());

  it('buffers every row exactly once although two applied batches lost their answers; trigger → status and history show the registered version', async () => {
    const through = new Modelyard({ urls: { learning: proxy.url }, token: tokenFor('admin'), retry: { baseDelayMs: 10 } });
    const pipeline = await my.learning.pipelines.create(body('sdk-ingest'));
    const samples = through.learning.sampleIngestor('sdk-ingest', { maxBatchSize: 500, flushIntervalMs: 50 });
    // Two batches reach the service and are buffered, but their answers never reach the client.
    proxy.inject(
      ['drop-after', 'drop-after', { status: 503, headers: { 'retry-after': '0' } }],
      (m, p) => m === 'POST' && p.endsWith('/sdk-ingest/samples'),
    );
    for (const row of rows(7, 2500)) await samples.add(row);
    await samples.close();
    expect(samples.stats).toMatchObject({ sent: 2500, dropped: 0, batches: 5 });
    const posts = proxy.log.filter((r) => r.path.endsWith('/sdk-ingest/samples'));
    expect(posts.length).toBe(8);
    expect(new Set(posts.map((p) => p.idempotencyKey)).size).toBe(5);
    expect(await my.learning.pipelines.status('sdk-ingest')).toMatchObject({
      bufferSize: 2500,
      samplesSeen: 0,
      droppedTotal: 0,
      currentVersion: null,
      lastUpdate: null,
    });

    // One direct batch: the 202 body.
    expect(await my.learning.samples('sdk-ingest', rows(8, 100))).toEqual({
      accepted: 100,
      bufferSize: 2600,
      dropped: 0,
      updateJobId: null,
    });

    const job = await my.learning.pipelines.trigger('sdk-ingest');
    expect(job).toMatchObject({ jobId: expect.any(String), reason: 'manual' });
    const [run] = await finishedRuns('sdk-ingest', 1);
    // Everything but the gate's 200 held-out samples is learned.
    expect(run).toMatchObject({ seq: 1, reason: 'manual', outcome: 'registered', samples: 2400, version: expect.any(String) });
    const status = await my.learning.pipelines.status('sdk-ingest');
    expect(status).toMatchObject({
      currentVersion: run!.version,
      samplesSeen: 2400,
      bufferSize: 200,
      lastUpdate: { id: run!.id, version: run!.version },
    });
    expect((await my.learning.pipelines.history('sdk-ingest', { limit: 1 })).items.map((u) => u.version)).toEqual([run!.version]);
    expect(await my.registry.versions.get(model, run!.version!)).toMatchObject({
      stage: 'staging',
      lineage: expect.objectContaining({ pipelineId: pipeline.id }),
    });
  });
});

describe('modelyard pipelines', () => {
  const env = () => ({ MODELYARD_LEARNING_URL: h.learning.url, MODELYARD_TOKEN: tokenFor('admin'), HOME: '/nonexistent' });

  it('list --json, status, trigger and history (tables for people); unknown pipeline → exit 1 with not_found', async () => {
    const list = await runCli(['pipelines', 'list', '--model', model, '--json'], env());
    expect(list.code).toBe(0);
    expect(list.json.map((p: { name: string }) => p.name)).toEqual(['sdk-errors', 'sdk-ingest']);
    const table = await runCli(['pipelines', 'list', '--model', model], env());
    expect(table.stdout).toMatch(/^NAME\s+MODEL\s+STATE\s+LEARNER\s+STRATEGY\s+GATE\s+VERSION\s+ID/);
    expect(table.stdout).toMatch(
      /^sdk-ingest\s+sdk-learning-model\s+active\s+logistic_regression\/ftrl\s+mini_batch\s+accuracy \(higher\)\s+\d+\.\d+\.\d+/m,
    );

    const version = (await my.learning.pipelines.get('sdk-ingest')).currentVersion!;
    const status = await runCli(['pipelines', 'status', 'sdk-ingest'], env());
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^current version: ${version.replace(/\./g, '\\.')}$`, 'm'));
    expect(status.stdout).toMatch(/^buffered:\s+200$/m);
    expect(status.stdout).toMatch(/^samples seen:\s+2400$/m);
    expect(status.stdout).toMatch(/^last update:\s+#1 registered \(manual, 2400 samples, version /m);
    const statusJson = await runCli(['pipelines', 'status', 'sdk-ingest', '--json'], env());
    expect(statusJson.json).toMatchObject({ pipeline: 'sdk-ingest', currentVersion: version, bufferSize: 200 });

    await my.learning.samples('sdk-ingest', rows(9, 500));
    const trigger = await runCli(['pipelines', 'trigger', 'sdk-ingest', '--json'], env());
    expect(trigger.json).toMatchObject({ jobId: expect.any(String), reason: 'manual' });
    await finishedRuns('sdk-ingest', 2);
    const history = await runCli(['pipelines', 'history', 'sdk-ingest', '--json'], env());
    expect(history.json.map((u: { seq: number }) => u.seq)).toEqual([2, 1]);
    expect(history.json[0]).toMatchObject({ outcome: 'registered', samples: 500 });
    const historyTable = await runCli(['pipelines', 'history', 'sdk-ingest'], env());
    expect(historyTable.stdout).toMatch(/^RUN\s+FINISHED\s+REASON\s+OUTCOME\s+SAMPLES\s+VERSION\s+GATE/);
    expect(historyTable.stdout).toMatch(/^2\s+\S+\s+manual\s+registered\s+500\s+/m);

    const missing = await runCli(['pipelines', 'status', 'no-such-pipeline'], env());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: not_found 404: /);
  });
});

// Last: the CLI test above lists every pipeline of the model.
describe('samples ingestor under a burst larger than its queue', () => {
  it('loses nothing by default: the buffer holds every row', async () => {
    await my.learning.pipelines.create(body('sdk-burst-block'));
    const samples = my.learning.sampleIngestor('sdk-burst-block', { maxBatchSize: 100, maxQueueSize: 200, flushIntervalMs: 20 });
    const burst = rows(21, 3000);
    // Producers that do not wait for each other: each add() waits for room.
    await Promise.all(burst.map((row) => samples.add(row)));
    await samples.close();
    expect(samples.stats).toMatchObject({ sent: 3000, dropped: 0 });
    expect(await my.learning.pipelines.status('sdk-burst-block')).toMatchObject({ bufferSize: 3000, droppedTotal: 0 });
  });

  it("with onFull: 'drop', counts exactly the rows the service never got", async () => {
    await my.learning.pipelines.create(body('sdk-burst-drop'));
    const samples = my.learning.sampleIngestor('sdk-burst-drop', {
      maxBatchSize: 100,
      maxQueueSize: 200,
      flushIntervalMs: 20,
      onFull: 'drop',
      onError: () => undefined,
    });
    const burst = rows(22, 3000);
    for (const row of burst) await samples.add(row);
    await samples.close();
    const { bufferSize, droppedTotal } = await my.learning.pipelines.status('sdk-burst-drop');
    expect(droppedTotal).toBe(0); // the service's own buffer kept everything it got
    expect(samples.stats.dropped).toBeGreaterThan(0);
    expect(samples.stats.dropped).toBe(burst.length - bufferSize);
    expect(samples.stats.sent).toBe(bufferSize);
  });
});
