import { assigner } from '@modelyard/assignment';
import { fuzzRoutes } from '@modelyard/platform/testing';
import { experimentBody, modelWithVersions, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await modelWithVersions(h.registry, 'ranker', 3);
});
afterAll(() => h.close());

const api = () => h.experiments;

describe('experiments', () => {
  it('creates an experiment whose variants are checked against the registry', async () => {
    const res = await api().request('POST', '/v1/experiments', { body: experimentBody('exp-create', 'ranker'), as: 'editor' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      key: 'exp-create',
      status: 'draft',
      seed: 'exp-create',
      coverage: 1,
      sequential: true,
      alpha: 0.05,
      revision: 1,
    });
    const missing = await api().request('POST', '/v1/experiments', {
      body: experimentBody('exp-missing', 'ranker', {
        variants: [
          { key: 'control', version: '1.0.0', weight: 1 },
          { key: 'b', version: '9.9.9', weight: 1 },
        ],
      }),
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ field: 'variants.1.version', in: 'body', message: 'ranker@9.9.9 is not in the registry' }]);
    expect((await api().request('POST', '/v1/experiments', { body: experimentBody('exp-create', 'ranker') })).status).toBe(409);
  });

  it('rejects a control that is not a variant and duplicate variant keys, naming the fields', async () => {
    const res = await api().request('POST', '/v1/experiments', {
      body: experimentBody('exp-bad', 'ranker', {
        control: 'nope',
        variants: [
          { key: 'a', version: '1.0.0', weight: 1 },
          { key: 'a', version: '1.0.1', weight: 1 },
        ],
      }),
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['control', 'variants.1.key']);
  });

  it('follows draft → running → stopped → running, and refuses invalid moves', async () => {
    await api().request('POST', '/v1/experiments', { body: experimentBody('exp-life', 'ranker') });
    expect((await api().request('POST', '/v1/experiments/exp-life/stop')).status).toBe(409);
    const started = await api().request('POST', '/v1/experiments/exp-life/start');
    expect(started.body).toMatchObject({ status: 'running', endedAt: null });
    expect(started.body.startedAt).not.toBeNull();
    expect((await api().request('POST', '/v1/experiments/exp-life/stop')).body.status).toBe('stopped');
    const patch = await api().request('PATCH', '/v1/experiments/exp-life', { body: { coverage: 0.5 } });
    expect(patch.status).toBe(409);
    expect((await api().request('POST', '/v1/experiments/exp-life/start')).body.status).toBe('running');
    const list = await api().request('GET', '/v1/experiments?status=running&model=ranker');
    expect(list.body.items.map((e: { key: string }) => e.key)).toContain('exp-life');
  });

  it('keeps variants named like Object.prototype members apart from it: weights and results', async () => {
    const variants = [
      { key: 'constructor', version: '1.0.0', weight: 0.5 },
      { key: 'toString', version: '1.0.1', weight: 0.5 },
    ];
    const body = experimentBody('exp-proto', 'ranker', { variants, control: 'constructor' });
    expect((await api().request('POST', '/v1/experiments', { body })).status).toBe(201);
    const patched = await api().request('PATCH', '/v1/experiments/exp-proto', { body: { weights: { toString: 0.25 } } });
    expect(patched.status).toBe(200);
    expect(patched.body.variants).toEqual([variants[0], { ...variants[1], weight: 0.25 }]);
    await api().request('POST', '/v1/experiments/exp-proto/start');
    const results = await api().request('GET', '/v1/experiments/exp-proto/results');
    expect(results.status).toBe(200);
    expect(results.body.variants.map((v: { key: string; units: number }) => [v.key, v.units])).toEqual([
      ['constructor', 0],
      ['toString', 0],
    ]);
  });

  it('needs a credential on every route', async () => {
    const doc = (await api().request('GET', '/openapi.json', { as: null })).body;
    let checked = 0;
    for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
      if (!path.startsWith('/v1/')) continue;
      for (const method of Object.keys(ops)) {
        const res = await api().request(
          method.toUpperCase(),
          path.replace('{key}', 'exp-life').replace('{id}', '00000000-0000-4000-8000-000000000000'),
          {
            as: null,
            body: method === 'get' ? undefined : {},
          },
        );
        expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 401`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });
});

describe('assignment', () => {
  beforeAll(async () => {
    await api().request('POST', '/v1/experiments', { body: experimentBody('exp-assign', 'ranker', { coverage: 0.8 }) });
    await api().request('POST', '/v1/experiments/exp-assign/start');
  });

  it('assigns exactly as packages/assignment (and so GrowthBook) does', async () => {
    const local = assigner({ seed: 'exp-assign', weights: [0.5, 0.5], coverage: 0.8 });
    const units = Array.from({ length: 600 }, (_, i) => `user-${i}`);
    const res = await api().request('POST', '/v1/experiments/exp-assign/assignments', { body: { units }, as: 'viewer' });
    expect(res.status).toBe(200);
    const expected = units.map((u) => {
      const a = local(u);
      return a.inExperiment ? ['control', 'treatment'][a.variant] : null;
    });
    expect(res.body.items.map((i: { variant: string | null }) => i.variant)).toEqual(expected);
    const one = await api().request('GET', '/v1/experiments/exp-assign/assignment?unit=user-7', { as: 'viewer' });
    expect(one.body).toMatchObject({ unit: 'user-7', variant: expected[7], sticky: expected[7] !== null });
    if (expected[7]) expect(one.body.version).toBe(expected[7] === 'control' ? '1.0.0' : '1.0.1');
  });

  it('keeps assigned units where they are when weights change', async () => {
    const units = Array.from({ length: 400 }, (_, i) => `sticky-${i}`);
    const before = (await api().request('POST', '/v1/experiments/exp-assign/assignments', { body: { units } })).body.items;
    const patched = await api().request('PATCH', '/v1/experiments/exp-assign', { body: { weights: { control: 0.1, treatment: 0.9 } } });
    expect(patched.body.revision).toBeGreaterThan(1);
    await new Promise((r) => setTimeout(r, 1_100)); // past the config cache
    const after = (await api().request('POST', '/v1/experiments/exp-assign/assignments', { body: { units } })).body.items;
    const moved = before.filter((b: { variant: string | null }, i: number) => b.variant !== null && after[i].variant !== b.variant);
    expect(moved).toEqual([]);
    // New units follow the new weights.
    const fresh = (
      await api().request('POST', '/v1/experiments/exp-assign/assignments', {
        body: { units: Array.from({ length: 1000 }, (_, i) => `new-${i}`) },
      })
    ).body.items.filter((i: { inExperiment: boolean }) => i.inExperiment);
    const treated = fresh.filter((i: { variant: string }) => i.variant === 'treatment').length / fresh.length;
    expect(treated).toBeGreaterThan(0.8);
  });

  it('gives one variant to a unit assigned by 1000 concurrent requests', async () => {
    // Make the unit's hash land in a different arm than a fresh config would pick by moving weights mid-flight.
    let patch: Promise<unknown> = Promise.resolve();
    const requests = Array.from({ length: 1000 }, (_, i) => {
      if (i === 500) patch = api().request('PATCH', '/v1/experiments/exp-assign', { body: { weights: { control: 0.9, treatment: 0.1 } } });
      return api().request('GET', '/v1/experiments/exp-assign/assignment?unit=racer-1', { as: 'viewer' });
    });
    const results = await Promise.all(requests);
    await patch; // finished before the next test reads the config revision
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(new Set(results.map((r) => r.body.variant)).size).toBe(1);
  });

  it('serves the SDK config with an ETag and answers 304 while unchanged', async () => {
    const first = await api().request('GET', '/v1/experiments/exp-assign/config', { as: 'viewer' });
    expect(first.body).toMatchObject({ key: 'exp-assign', seed: 'exp-assign', hashVersion: 2, status: 'running' });
    const etag = first.headers.get('etag')!;
    const again = await api().request('GET', '/v1/experiments/exp-assign/config', { as: 'viewer', headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    await api().request('PATCH', '/v1/experiments/exp-assign', { body: { coverage: 0.9 } });
    const changed = await api().request('GET', '/v1/experiments/exp-assign/config', { as: 'viewer', headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('assigns nobody while the experiment is not running', async () => {
    await api().request('POST', '/v1/experiments', { body: experimentBody('exp-draft', 'ranker') });
    const res = await api().request('GET', '/v1/experiments/exp-draft/assignment?unit=u1', { as: 'viewer' });
    expect(res.body).toEqual({ unit: 'u1', variant: null, version: null, inExperiment: false, sticky: false });
    expect((await api().request('GET', '/v1/experiments/nope/assignment?unit=u1')).status).toBe(404);
    expect((await api().request('GET', '/v1/experiments/exp-draft/assignment')).status).toBe(400);
  });
});

describe('no request produces a 5xx', () => {
  it('survives random bodies, queries and path values on every route', async () => {
    const { sent, failures } = await fuzzRoutes(api(), {
      seed: 20261124,
      known: { key: 'exp-assign' },
      bodyKeys: [
        'key',
        'model',
        'variants',
        'control',
        'weights',
        'coverage',
        'units',
        'exposures',
        'events',
        'unit',
        'metric',
        'value',
        'promote',
        'x',
      ],
      queryKeys: ['unit', 'limit', 'cursor', 'status', 'model'],
    });
    expect(sent).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  }, 180_000); // the hostile cases on every route are a few thousand requests
});
