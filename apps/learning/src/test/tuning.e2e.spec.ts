import { createModel, feed, pipelineBody, rows, startHarness, waitForUpdates, type Harness } from './harness.js';
import { ftrlAccuracy, waitForTuning } from './tuning-helpers.js';

let h: Harness;
const model = 'tuning-model';
beforeAll(async () => {
  h = await startHarness();
  await createModel(h.registry, model);
});
afterAll(async () => {
  await h.close();
});

const ALPHAS = [0.003, 0.01, 0.03, 0.1, 0.3, 1, 3];
const L1S = [0.001, 0.01, 0.1, 1, 10];
const data = rows(11, 5400);

describe('tuning a pipeline', () => {
  let tuningId: string;

  beforeAll(async () => {
    expect((await h.learning.request('POST', '/v1/pipelines', { body: pipelineBody('tuned', model) })).status).toBe(201);
    await feed(h.learning, 'tuned', data);
  });

  it("finds a configuration within 0.5 points of the full grid's best with at most 1/3 of its sample-updates", async () => {
    // The full grid over α and λ1, each configuration learning every sample test-then-train.
    const grid = ALPHAS.flatMap((alpha) => L1S.map((l1) => ({ alpha, l1, accuracy: ftrlAccuracy(data, alpha, l1) })));
    const gridBest = grid.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
    const gridUpdates = grid.length * data.length;

    const started = await h.learning.request('POST', '/v1/pipelines/tuned/tune', {
      body: {
        space: { alpha: { min: 0.003, max: 3 }, l1: { min: 0.001, max: 10 } },
        budget: { trials: 27, eta: 3 },
        metric: 'accuracy',
        direction: 'higher',
      },
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'running', sampler: 'sobol', rungs: [200, 600, 1800, 5400], samples: 5400 });
    tuningId = started.body.id;
    // The pipeline updates meanwhile with its own learner: the tuning learns its own copy of the samples.
    expect((await h.learning.request('POST', '/v1/pipelines/tuned/trigger')).status).toBe(202);
    expect((await waitForUpdates(h.learning, 'tuned', 1))[0]).toMatchObject({ outcome: 'registered', samples: 5200 });
    const done = await waitForTuning(h.learning, 'tuned', tuningId);
    expect(done.status).toBe('completed');
    const used = done.progress.sampleUpdates;
    console.log(
      `grid best: alpha=${gridBest.alpha} l1=${gridBest.l1} accuracy=${gridBest.accuracy.toFixed(4)} (${gridUpdates} sample-updates); ` +
        `tuning best: ${JSON.stringify(done.best.params.hyperparameters)} accuracy=${done.best.metric.toFixed(4)} ` +
        `(${used} sample-updates, ${(used / gridUpdates).toFixed(3)} of the grid's)`,
    );
    expect(gridBest.accuracy - done.best.metric).toBeLessThanOrEqual(0.005);
    expect(used).toBeLessThanOrEqual(gridUpdates / 3);

    // The best trial's final metric is the same learner's over the same samples, offline.
    const { alpha, l1 } = done.best.params.hyperparameters;
    expect(done.best.metric).toBe(ftrlAccuracy(data, alpha, l1));
    // Every trial: params, a metric per finished rung, samples learned = the size of its last rung.
    expect(done.trials).toHaveLength(27);
    for (const t of done.trials) {
      expect(['waiting', 'completed']).toContain(t.status);
      expect(t.sampleUpdates).toBe(done.rungs[t.rungMetrics.length - 1]);
    }
    expect(done.trials.filter((t: { status: string }) => t.status === 'completed').length).toBeGreaterThanOrEqual(1);
    expect(done.progress).toMatchObject({ trials: 27, trialsFinished: 27 });

    const list = await h.learning.request('GET', '/v1/pipelines/tuned/tunings');
    expect(list.status).toBe(200);
    expect(list.body.items.map((t: { id: string }) => t.id)).toEqual([tuningId]);
    expect(list.body.items[0].trials).toBeUndefined();
  });

  it('applies the best configuration (recorded on the tuning); the next update starts from a fresh learner of it', async () => {
    const tuning = (await h.learning.request('GET', `/v1/pipelines/tuned/tunings/${tuningId}`)).body;
    expect((await h.learning.request('POST', `/v1/pipelines/tuned/tunings/${tuningId}/apply`, { as: 'viewer' })).status).toBe(403);
    const applied = await h.learning.request('POST', `/v1/pipelines/tuned/tunings/${tuningId}/apply`, { as: 'editor' });
    expect(applied.status).toBe(200);
    expect(applied.body.learner).toEqual({ type: 'logistic_regression', ...tuning.best.params });
    const after = (await h.learning.request('GET', `/v1/pipelines/tuned/tunings/${tuningId}`)).body;
    expect(after.appliedBy).toBe('test-editor');
    expect(Date.parse(after.appliedAt)).toBeGreaterThan(Date.parse(after.finishedAt) - 1);
  });

  it('registers the best configuration through a normal update from a fresh learner: gated, registered, staged', async () => {
    const more = rows(12, 1000);
    await feed(h.learning, 'tuned', more);
    const res = await h.learning.request('POST', `/v1/pipelines/tuned/tunings/${tuningId}/register`, { as: 'editor' });
    expect(res.status).toBe(202);
    expect(res.body.tuning).toBe(tuningId);
    const [, update] = await waitForUpdates(h.learning, 'tuned', 2);
    // The 200 samples the first update held out, then 800 new ones; the last 200 are held out.
    expect(update).toMatchObject({ outcome: 'registered', samples: 1000, reason: 'manual' });
    const version = (await h.registry.request('GET', `/v1/models/${model}/versions/${update.version}`)).body;
    const { alpha, l1 } = (await h.learning.request('GET', `/v1/pipelines/tuned/tunings/${tuningId}`)).body.best.params.hyperparameters;
    expect(version.stage).toBe('staging');
    // Not the first update's model continued: a fresh learner of the tuned configuration.
    expect(version.lineage.parentVersion).toBeNull();
    expect(version.trainingInfo).toMatchObject({ fromSample: 5200, toSample: 6200 });
    expect(version.metrics.accuracy).toBe(ftrlAccuracy([...data.slice(5200), ...more.slice(0, 800)], alpha, l1));
  });
});

describe('tuning requests', () => {
  beforeAll(async () => {
    expect((await h.learning.request('POST', '/v1/pipelines', { body: pipelineBody('few', model) })).status).toBe(201);
    await feed(h.learning, 'few', rows(3, 50));
    const external = { ...pipelineBody('outside', model), learner: { type: 'external' } };
    expect((await h.learning.request('POST', '/v1/pipelines', { body: external })).status).toBe(201);
  });
  const good = { space: { l1: { min: 0.001, max: 1 } }, budget: { trials: 9 }, metric: 'accuracy', direction: 'higher' };

  it.each([
    [{ ...good, space: { lambda: { min: 0, max: 1 } } }, 'space'],
    [{ ...good, space: { l1: { min: 1, max: 1 } } }, 'space.l1.max'],
    [{ ...good, space: { l1: { min: 0, max: 1 } } }, 'space.l1.min'],
    [{ ...good, space: { optimizer: [] } }, 'space.optimizer'],
    [{ ...good, space: { alpha: { min: 0, max: 1, scale: 'linear' } } }, 'space.alpha.min'],
    [{ ...good, space: { dim: [256, 256] } }, 'space.dim'],
    [{ ...good, space: {} }, 'space'],
    [{ ...good, budget: { trials: 1 } }, 'budget.trials'],
    [{ ...good, budget: { trials: 1000 } }, 'budget.trials'],
    [{ ...good, budget: { trials: 9, maxSamples: 500, minSamples: 500 } }, 'budget.minSamples'],
    [{ ...good, metric: 'f1' }, 'metric'],
    [{ ...good, metric: 'rmse' }, 'metric'],
  ])('400 problem+json naming the field for %j', async (body, field) => {
    await feed(h.learning, 'few', rows(4, 60));
    const res = await h.learning.request('POST', '/v1/pipelines/few/tune', { body });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('409 for an external learner and for too few buffered samples, with the reason', async () => {
    const external = await h.learning.request('POST', '/v1/pipelines/outside/tune', { body: good });
    expect(external.status).toBe(409);
    expect(external.body.detail).toContain('external learner');
    const fresh = { ...pipelineBody('empty', model) };
    expect((await h.learning.request('POST', '/v1/pipelines', { body: fresh })).status).toBe(201);
    await feed(h.learning, 'empty', rows(5, 40));
    const few = await h.learning.request('POST', '/v1/pipelines/empty/tune', { body: good });
    expect(few.status).toBe(409);
    expect(few.body.detail).toBe("pipeline 'empty' has 40 buffered samples; a tuning needs at least 100");
  });

  it('404 for an unknown tuning, 400 for a malformed id', async () => {
    const missing = await h.learning.request('GET', '/v1/pipelines/few/tunings/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    const bad = await h.learning.request('GET', '/v1/pipelines/few/tunings/nope');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('tuningId');
  });

  it('describes the tuning routes in the OpenAPI document', async () => {
    const doc = (await h.learning.request('GET', '/openapi.json')).body;
    for (const path of ['/v1/pipelines/{id}/tune', '/v1/pipelines/{id}/tunings', '/v1/pipelines/{id}/tunings/{tuningId}/apply'])
      expect(Object.keys(doc.paths)).toContain(path);
    expect(Object.keys(doc.paths['/v1/pipelines/{id}/tune'])).toEqual(['post']);
  });

  it('needs a credential on every route, and write for the changes', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const routes: [string, string][] = [
      ['POST', '/v1/pipelines/few/tune'],
      ['GET', '/v1/pipelines/few/tunings'],
      ['GET', `/v1/pipelines/few/tunings/${id}`],
      ['POST', `/v1/pipelines/few/tunings/${id}/apply`],
      ['POST', `/v1/pipelines/few/tunings/${id}/register`],
    ];
    for (const [method, path] of routes) {
      expect([path, (await h.learning.request(method, path, { as: null })).status]).toEqual([path, 401]);
      if (method === 'POST')
        expect([path, (await h.learning.request(method, path, { as: 'viewer', body: good })).status]).toEqual([path, 403]);
    }
    expect((await h.learning.request('GET', '/v1/pipelines/few/tunings', { as: 'viewer' })).status).toBe(200);
  });
});
