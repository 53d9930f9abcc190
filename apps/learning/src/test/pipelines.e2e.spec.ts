import { fuzzRoutes } from '@modelyard/platform/testing';
import { createModel, pipelineBody, rows, startHarness, type Harness } from './harness.js';

let h: Harness;
const model = 'pipelines-model';
beforeAll(async () => {
  h = await startHarness();
  await createModel(h.registry, model);
});
afterAll(async () => {
  await h.close();
});

describe('pipelines', () => {
  it('creates, reads by id or name, lists, updates, pauses and resumes', async () => {
    const created = await h.learning.request('POST', '/v1/pipelines', { body: pipelineBody('crud', model, { description: 'first' }) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'crud',
      model,
      state: 'active',
      strategy: 'mini_batch',
      learner: { type: 'logistic_regression', optimizer: 'ftrl' },
      register: { stage: 'staging', startExperiment: false, autoPromote: false },
      onDrift: 'warm_start',
      minSamples: 1,
      currentVersion: null,
    });
    expect((await h.learning.request('GET', `/v1/pipelines/${created.body.id}`)).body.name).toBe('crud');
    expect((await h.learning.request('GET', '/v1/pipelines/crud')).body.id).toBe(created.body.id);
    expect((await h.learning.request('POST', '/v1/pipelines', { body: pipelineBody('crud', model) })).status).toBe(409);

    const patched = await h.learning.request('PATCH', '/v1/pipelines/crud', {
      body: { batchSize: 50, onDrift: 'reset', gate: { metric: 'log_loss', direction: 'lower', tolerance: 0.01 } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      batchSize: 50,
      onDrift: 'reset',
      gate: { metric: 'log_loss', direction: 'lower', tolerance: 0.01, holdout: 200 },
    });

    expect((await h.learning.request('POST', '/v1/pipelines/crud/pause')).body.state).toBe('paused');
    // Idempotent: pausing a paused pipeline (a retry after a lost answer) answers it, unchanged.
    const again = await h.learning.request('POST', '/v1/pipelines/crud/pause');
    expect([again.status, again.body.state]).toEqual([200, 'paused']);
    expect((await h.learning.request('POST', '/v1/pipelines/crud/trigger')).status).toBe(409);
    expect((await h.learning.request('GET', '/v1/pipelines?state=paused')).body.items.map((p: { name: string }) => p.name)).toEqual([
      'crud',
    ]);
    expect((await h.learning.request('POST', '/v1/pipelines/crud/resume')).body.state).toBe('active');
    const resumedAgain = await h.learning.request('POST', '/v1/pipelines/crud/resume');
    expect([resumedAgain.status, resumedAgain.body.state]).toEqual([200, 'active']);

    await h.learning.request('POST', '/v1/pipelines', { body: pipelineBody('crud-2', model) });
    const page1 = await h.learning.request('GET', `/v1/pipelines?model=${model}&limit=1`);
    const page2 = await h.learning.request('GET', `/v1/pipelines?model=${model}&limit=1&cursor=${page1.body.nextCursor}`);
    expect([page1.body.items[0].name, page2.body.items[0].name]).toEqual(['crud', 'crud-2']);
  });

  it('refuses inconsistent pipelines, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ strategy: 'periodic' }, 'schedule'],
      [{ strategy: 'adaptive' }, 'adaptive'],
      [{ gate: { metric: 'rmse', direction: 'lower' } }, 'gate.metric'],
      [
        {
          features: [
            { name: 'a', kind: 'numeric' },
            { name: 'a', kind: 'numeric' },
          ],
        },
        'features.1.name',
      ],
      [{ features: [{ name: 'label', kind: 'numeric' }] }, 'features.0.name'],
      [{ maxBuffer: 100 }, 'maxBuffer'],
      [{ learner: { type: 'svm' } }, 'learner.type'],
      [{ surprise: 1 }, 'surprise'],
    ];
    for (const [extra, field] of cases) {
      const res = await h.learning.request('POST', '/v1/pipelines', { body: pipelineBody('bad', model, extra) });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const missing = await h.learning.request('POST', '/v1/pipelines', { body: pipelineBody('bad', 'no-such-model') });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]).toMatchObject({ field: 'model' });
    await h.learning.request('POST', '/v1/pipelines', { body: pipelineBody('to-patch', model) });
    const patch = await h.learning.request('PATCH', '/v1/pipelines/to-patch', { body: { strategy: 'periodic' } });
    expect(patch.status).toBe(400);
    expect(patch.body.errors[0].field).toBe('schedule');
    expect((await h.learning.request('PATCH', '/v1/pipelines/to-patch', { body: { learner: {} } })).status).toBe(400);
    expect((await h.learning.request('GET', '/v1/pipelines/nope')).status).toBe(404);
  });

  it('needs a credential on every route but health and metrics, and the right scope', async () => {
    for (const [method, path] of [
      ['GET', '/v1/pipelines'],
      ['POST', '/v1/pipelines'],
      ['GET', '/v1/pipelines/crud/status'],
      ['POST', '/v1/pipelines/crud/samples'],
      ['GET', '/v1/pipelines/crud/history'],
    ]) {
      expect((await h.learning.request(method!, path!, { as: null, body: method === 'POST' ? {} : undefined })).status).toBe(401);
    }
    expect((await h.learning.request('GET', '/health/live', { as: null })).status).toBe(200);
    expect((await h.learning.request('GET', '/metrics', { as: null })).status).toBe(200);
    expect((await h.learning.request('POST', '/v1/pipelines/crud/samples', { as: 'viewer', body: { samples: rows(1, 1) } })).status).toBe(
      403,
    );
    expect((await h.learning.request('DELETE', '/v1/pipelines/crud-2', { as: 'editor' })).status).toBe(403);
    expect((await h.learning.request('DELETE', '/v1/pipelines/crud-2')).status).toBe(204);
    expect((await h.learning.request('GET', '/v1/pipelines/crud-2')).status).toBe(404);
  });
});

describe('samples', () => {
  beforeAll(async () => {
    await h.learning.request('POST', '/v1/pipelines', {
      body: pipelineBody('ingest', model, {
        features: [
          { name: 'f0', kind: 'numeric' },
          { name: 'country', kind: 'categorical' },
          { name: 'mobile', kind: 'boolean' },
        ],
        maxBuffer: 1000,
        gate: { metric: 'accuracy', direction: 'higher', holdout: 10 },
      }),
    });
  });
  const good = (i: number) => ({ f0: i, country: i % 2 ? 'fr' : 'de', mobile: i % 3 === 0, label: i % 2 });

  it('rejects a batch with bad rows as a whole, naming each row and field', async () => {
    const samples = [
      good(0),
      { ...good(1), f0: 'x' },
      good(2),
      { ...good(3), label: 2 },
      { ...good(4), colour: 'red' },
      { ...good(5), mobile: 1 },
    ];
    const res = await h.learning.request('POST', '/v1/pipelines/ingest/samples', { body: { samples } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'samples.1.f0',
      'samples.3.label',
      'samples.4.colour',
      'samples.5.mobile',
    ]);
    expect((await h.learning.request('GET', '/v1/pipelines/ingest/status')).body.bufferSize).toBe(0);
    for (const body of [
      { samples: [] },
      { samples: [1] },
      {},
      { samples: [good(0)], extra: 1 },
      { samples: Array.from({ length: 10_001 }, (_, i) => good(i)) },
    ]) {
      expect((await h.learning.request('POST', '/v1/pipelines/ingest/samples', { body })).status).toBe(400);
    }
    expect((await h.learning.request('POST', '/v1/pipelines/nope/samples', { body: { samples: [good(0)] } })).status).toBe(404);
  });

  it('accepts missing values, and counts a batch retried with the same Idempotency-Key once', async () => {
    const samples = [good(1), { f0: null, label: 0 }, good(2)];
    const headers = { 'idempotency-key': 'batch-1' };
    const first = await h.learning.request('POST', '/v1/pipelines/ingest/samples', { body: { samples }, headers });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ accepted: 3, bufferSize: 3, dropped: 0, updateJobId: null });
    const retry = await h.learning.request('POST', '/v1/pipelines/ingest/samples', { body: { samples }, headers });
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await h.learning.request('GET', '/v1/pipelines/ingest/status')).body.bufferSize).toBe(3);
  });

  it('keeps at most maxBuffer samples, dropping the oldest and counting them', async () => {
    const res = await h.learning.request('POST', '/v1/pipelines/ingest/samples', {
      body: { samples: Array.from({ length: 1200 }, (_, i) => good(i)) },
    });
    expect(res.body).toMatchObject({ accepted: 1200, bufferSize: 1000, dropped: 203 });
    const status = (await h.learning.request('GET', '/v1/pipelines/ingest/status')).body;
    expect(status).toMatchObject({ bufferSize: 1000, droppedTotal: 203 });
    const metrics = (await h.learning.request('GET', '/metrics')).text;
    expect(metrics).toMatch(/ml_pipeline_buffer_dropped_total\{pipeline="ingest"[^}]*\} 203/);
    expect(metrics).toMatch(/ml_pipeline_buffer_size\{pipeline="ingest"[^}]*\} 1000/);
  });

  it('answers random input on every route without a 5xx', async () => {
    const { sent, failures } = await fuzzRoutes(h.learning, {
      seed: 7,
      known: { id: 'ingest' },
      bodyKeys: [
        'samples',
        'f0',
        'label',
        'name',
        'model',
        'strategy',
        'gate',
        'learner',
        'features',
        'batchSize',
        'schedule',
        'adaptive',
        'metric',
        'space',
        'budget',
        'direction',
        'sampler',
        'seed',
      ],
      queryKeys: ['limit', 'cursor', 'model', 'state'],
    });
    expect(sent).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  }, 180_000); // the hostile cases on every route are a few thousand requests
});
