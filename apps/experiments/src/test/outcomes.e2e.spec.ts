import { assigner } from '@modelyard/assignment';
import { experimentBody, modelWithVersions, startHarness, type Harness } from './harness.js';

let h: Harness;
const local = assigner({ seed: 'exp-out', weights: [0.5, 0.5], coverage: 1 });
const variantOf = (unit: string) => (local(unit).variant === 0 ? 'control' : 'treatment');

beforeAll(async () => {
  h = await startHarness();
  await modelWithVersions(h.registry, 'scorer', 2);
  const body = experimentBody('exp-out', 'scorer', {
    guardrails: [{ name: 'latency_ms', kind: 'continuous', direction: 'lower', maxRelativeDegradation: 0.1 }],
  });
  expect((await h.experiments.request('POST', '/v1/experiments', { body })).status).toBe(201);
  await h.experiments.request('POST', '/v1/experiments/exp-out/start');
});
afterAll(() => h.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  h.experiments.request('POST', `/v1/experiments/exp-out/${path}`, { body, headers, as: 'editor' });

describe('outcome ingestion', () => {
  it('keeps per-variant sufficient statistics that the results report', async () => {
    const units = Array.from({ length: 200 }, (_, i) => `u${i}`);
    expect((await post('exposures', { exposures: units.map((unit) => ({ unit })) })).body).toEqual({ accepted: 200, ignored: 0 });
    // Converted: every third unit; one unit reports its conversion twice (counts once).
    const conversions = units.filter((_, i) => i % 3 === 0);
    const events = [...conversions, conversions[0]!].map((unit) => ({ unit, metric: 'conversion', value: 1 }));
    expect((await post('events', { events })).body.accepted).toBe(events.length);
    await post('events', { events: units.map((unit, i) => ({ unit, metric: 'latency_ms', value: 100 + (i % 7) })) });

    const results = (await h.experiments.request('GET', '/v1/experiments/exp-out/results', { as: 'viewer' })).body;
    for (const key of ['control', 'treatment']) {
      const mine = units.filter((u) => variantOf(u) === key);
      const converted = mine.filter((u) => conversions.includes(u)).length;
      const v = results.variants.find((x: { key: string }) => x.key === key);
      expect(v.units).toBe(mine.length);
      expect(v.metrics.conversion.mean).toBeCloseTo(converted / mine.length, 12);
      const latencies = mine.map((u) => 100 + (Number(u.slice(1)) % 7));
      expect(v.metrics.latency_ms.mean).toBeCloseTo(latencies.reduce((a, b) => a + b, 0) / mine.length, 9);
    }
    expect(results.comparisons.map((c: { metric: string }) => c.metric).sort()).toEqual(['conversion', 'latency_ms']);
    expect(results.srm.flagged).toBe(false);
  });

  it('counts a retried batch once with Idempotency-Key', async () => {
    const before = (await h.experiments.request('GET', '/v1/experiments/exp-out/results')).body;
    const batch = { events: [{ unit: 'u1', metric: 'latency_ms', value: 1000 }] };
    const headers = { 'idempotency-key': 'batch-42' };
    await post('events', batch, headers);
    const retry = await post('events', batch, headers);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const after = (await h.experiments.request('GET', '/v1/experiments/exp-out/results')).body;
    const arm = variantOf('u1');
    const n = after.variants.find((v: { key: string }) => v.key === arm).units;
    const delta =
      after.variants.find((v: { key: string }) => v.key === arm).metrics.latency_ms.mean -
      before.variants.find((v: { key: string }) => v.key === arm).metrics.latency_ms.mean;
    expect(delta * n).toBeCloseTo(1000, 6);
  });

  it('refuses a batch with any bad row, naming it, and keeps nothing of it', async () => {
    const before = (await h.experiments.request('GET', '/v1/experiments/exp-out/results')).body;
    const res = await post('events', {
      events: [
        { unit: 'fresh-1', metric: 'conversion', value: 1 },
        { unit: 'fresh-2', metric: 'unknown_metric', value: 1 },
        { unit: 'fresh-3', metric: 'conversion', value: 0.5 },
        { unit: 'u0', variant: variantOf('u0') === 'control' ? 'treatment' : 'control', metric: 'conversion', value: 1 },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['events.1.metric', 'events.2.value']);
    const wrongVariant = await post('exposures', {
      exposures: [{ unit: 'u0', variant: variantOf('u0') === 'control' ? 'treatment' : 'control' }],
    });
    expect(wrongVariant.status).toBe(400);
    expect(wrongVariant.body.errors[0].field).toBe('exposures.0.variant');
    expect((await post('events', { events: [{ unit: 'x', metric: 'conversion', value: Number.MAX_VALUE * 10 }] })).status).toBe(400);
    const after = (await h.experiments.request('GET', '/v1/experiments/exp-out/results')).body;
    expect(after.variants.map((v: { units: number }) => v.units)).toEqual(before.variants.map((v: { units: number }) => v.units));
  });

  it('refuses unit ids with NUL, control or format characters, whitespace or past 256 characters, naming the field', async () => {
    // A NUL once passed here, then failed every tick at Postgres (which cannot store it).
    const bad = ['a\u0000b', 'tab\there', 'line\n', 'del\u007f', 'c1\u0085', 'zero\u200bwidth', 'bidi\u202e', ' lead', 'x'.repeat(257), ''];
    for (const unit of bad) {
      const res = await h.experiments.request('GET', `/v1/experiments/exp-out/assignment?unit=${encodeURIComponent(unit)}`, {
        as: 'viewer',
      });
      expect([unit, res.status, res.body.errors?.map((e: { field: string }) => e.field)]).toEqual([unit, 400, ['unit']]);
    }
    const withLoneSurrogate = [...bad, 'half\ud800'];
    const fields = (res: { body: { errors: { field: string }[] } }) => res.body.errors.map((e) => e.field);
    const batch = await h.experiments.request('POST', '/v1/experiments/exp-out/assignments', {
      body: { units: ['ok', ...withLoneSurrogate] },
      as: 'viewer',
    });
    expect(batch.status).toBe(400);
    expect(fields(batch)).toEqual(withLoneSurrogate.map((_, i) => `units.${i + 1}`));
    const exposures = await post('exposures', { exposures: withLoneSurrogate.map((unit) => ({ unit })) });
    expect(exposures.status).toBe(400);
    expect(fields(exposures)).toEqual(withLoneSurrogate.map((_, i) => `exposures.${i}.unit`));
    const events = await post('events', {
      events: [
        { unit: 'ok', metric: 'conversion', value: 1 },
        { unit: 'a\u0000b', metric: 'conversion', value: 1 },
      ],
    });
    expect([events.status, fields(events)]).toEqual([400, ['events.1.unit']]);

    // Printable ids of every script, punctuation and symbols, up to 256 characters, are fine.
    const good = ['user-42', 'émile@example.com', '用户_7', 'key:a/b+c=d', '😀', 'y'.repeat(256)];
    const ok = await h.experiments.request('POST', '/v1/experiments/exp-out/assignments', { body: { units: good }, as: 'viewer' });
    expect(ok.status).toBe(200);
    expect(ok.body.items.map((a: { unit: string }) => a.unit)).toEqual(good);
  });

  it('flags a sample ratio mismatch when exposures are deliberately skewed', async () => {
    await h.experiments.request('POST', '/v1/experiments', { body: experimentBody('exp-srm', 'scorer') });
    await h.experiments.request('POST', '/v1/experiments/exp-srm/start');
    const skew = assigner({ seed: 'exp-srm', weights: [0.5, 0.5], coverage: 1 });
    // Drop half of the treatment exposures, as a buggy logger would.
    const units = Array.from({ length: 4000 }, (_, i) => `s${i}`).filter((u, i) => skew(u).variant === 0 || i % 2 === 0);
    await h.experiments.request('POST', '/v1/experiments/exp-srm/exposures', { body: { exposures: units.map((unit) => ({ unit })) } });
    const results = (await h.experiments.request('GET', '/v1/experiments/exp-srm/results')).body;
    expect(results.srm.flagged).toBe(true);
    expect(results.srm.pValue).toBeLessThan(0.001);
    expect(results.recommendation.action).toBe('keep_running');
  });

  it('accepts outcomes only while the experiment runs', async () => {
    await h.experiments.request('POST', '/v1/experiments', { body: experimentBody('exp-idle', 'scorer') });
    const res = await h.experiments.request('POST', '/v1/experiments/exp-idle/exposures', { body: { exposures: [{ unit: 'a' }] } });
    expect(res.status).toBe(409);
  });
});

describe('experiment metrics', () => {
  it('exports traffic, per-variant means and the SRM flag', async () => {
    await h.experiments.request('GET', '/v1/experiments/exp-srm/results');
    const text = (await h.experiments.request('GET', '/metrics', { as: null })).text;
    expect(text).toMatch(/ml_experiment_srm_flag\{[^}]*experiment="exp-srm"[^}]*\} 1/);
    expect(text).toMatch(/ml_experiment_metric\{[^}]*experiment="exp-out"[^}]*variant="control"[^}]*metric="latency_ms"[^}]*\} \d/);
    expect(text).toMatch(/ml_experiment_traffic_total\{[^}]*experiment="exp-out"[^}]*\} \d+/);
    expect(Number(/^ml_experiments_active\{[^}]*\} (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(2);
  });
});
