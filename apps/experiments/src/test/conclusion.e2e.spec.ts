import { assigner } from '@modelyard/assignment';
import { experimentBody, startHarness, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  // The registry: 1.0.0 in production, 1.0.1 in staging as the challenger.
  await h.registry.request('POST', '/v1/models', { body: { name: 'recommender' } });
  for (const v of ['1.0.0', '1.0.1']) {
    await h.registry.request('POST', '/v1/models/recommender/versions', { body: { version: v } });
    await h.registry.request('POST', `/v1/models/recommender/versions/${v}/transitions`, { body: { to: 'staging' } });
  }
  await h.registry.request('POST', '/v1/models/recommender/versions/1.0.0/promote', { body: {} });
});
afterAll(() => h.close());

/** Runs an experiment where control converts 1 in `controlEvery` units and treatment 1 in `treatmentEvery`. */
async function runExperiment(key: string, controlEvery: number, treatmentEvery: number, units = 4000) {
  await h.experiments.request('POST', '/v1/experiments', { body: experimentBody(key, 'recommender') });
  await h.experiments.request('POST', `/v1/experiments/${key}/start`);
  const assign = assigner({ seed: key, weights: [0.5, 0.5], coverage: 1 });
  const ids = Array.from({ length: units }, (_, i) => `${key}-u${i}`);
  await h.experiments.request('POST', `/v1/experiments/${key}/exposures`, { body: { exposures: ids.map((unit) => ({ unit })) } });
  const events = ids.flatMap((unit, i) => {
    const every = assign(unit).variant === 0 ? controlEvery : treatmentEvery;
    return i % every === 0 ? [{ unit, metric: 'conversion', value: 1 }] : [];
  });
  await h.experiments.request('POST', `/v1/experiments/${key}/events`, { body: { events } });
}

describe('conclusion closes the loop', () => {
  it('declares a significant winner and promotes its version in the registry', async () => {
    await runExperiment('exp-win', 10, 4);
    expect(
      (await h.experiments.request('POST', '/v1/experiments/exp-win/conclude', { body: { promote: true }, as: 'editor' })).status,
    ).toBe(403);
    const res = await h.experiments.request('POST', '/v1/experiments/exp-win/conclude', {
      body: { promote: true, reason: 'quarterly review' },
    });
    expect(res.status).toBe(200);
    expect(res.body.conclusion).toMatchObject({ winner: 'treatment', promoted: true, promotionError: null, reason: 'quarterly review' });
    expect(res.body.conclusion.recommendation.action).toBe('ship');
    expect(res.body.experiment.status).toBe('concluded');

    const production = await h.registry.request('GET', '/v1/models/recommender/production');
    expect(production.body.version).toBe('1.0.1');
    const audit = await h.registry.request('GET', '/v1/audit?model=recommender&limit=1');
    expect(audit.body.items[0]).toMatchObject({ action: 'version.promoted', actor: 'service:experiments' });
    expect(audit.body.items[0].reason).toContain('experiment exp-win');

    const again = await h.experiments.request('POST', '/v1/experiments/exp-win/conclude', { body: {} });
    expect(again.status).toBe(409);
    expect((await h.experiments.request('GET', '/v1/experiments/exp-win')).body.conclusion.winner).toBe('treatment');
  });

  it('declares no winner without a significant difference, and promotes nothing', async () => {
    await runExperiment('exp-flat', 10, 10);
    const res = await h.experiments.request('POST', '/v1/experiments/exp-flat/conclude', { body: { promote: true } });
    expect(res.body.conclusion).toMatchObject({ winner: null, promoted: false, promotionError: 'no winner to promote' });
    expect((await h.registry.request('GET', '/v1/models/recommender/production')).body.version).toBe('1.0.1');
  });

  it('records why a winner could not be promoted', async () => {
    // The treatment serves 1.0.0, now archived: the registry refuses to promote it from there.
    await h.experiments.request('POST', '/v1/experiments', {
      body: experimentBody('exp-refused', 'recommender', {
        variants: [
          { key: 'control', version: '1.0.1', weight: 0.5 },
          { key: 'treatment', version: '1.0.0', weight: 0.5 },
        ],
      }),
    });
    await h.experiments.request('POST', '/v1/experiments/exp-refused/start');
    const assign = assigner({ seed: 'exp-refused', weights: [0.5, 0.5], coverage: 1 });
    const ids = Array.from({ length: 4000 }, (_, i) => `r-u${i}`);
    await h.experiments.request('POST', '/v1/experiments/exp-refused/exposures', { body: { exposures: ids.map((unit) => ({ unit })) } });
    const events = ids
      .filter((u, i) => i % (assign(u).variant === 0 ? 10 : 4) === 0)
      .map((unit) => ({ unit, metric: 'conversion', value: 1 }));
    await h.experiments.request('POST', '/v1/experiments/exp-refused/events', { body: { events } });
    const res = await h.experiments.request('POST', '/v1/experiments/exp-refused/conclude', { body: { promote: true } });
    expect(res.body.conclusion.winner).toBe('treatment');
    expect(res.body.conclusion.promoted).toBe(false);
    expect(res.body.conclusion.promotionError).toMatch(/registry answered 409/);
  });
});
