import { assigner } from '@modelyard/assignment';
import { ExperimentsTick } from '../experiments/experiments.tick.js';
import { experimentBody, startHarness, type Harness } from './harness.js';

let h: Harness;
const tick = () => h.experiments.app.get(ExperimentsTick).tick(new Date(), true);

/** A model with 1.0.0 in production and 1.0.1 in staging. */
async function challengedModel(name: string) {
  await h.registry.request('POST', '/v1/models', { body: { name } });
  for (const v of ['1.0.0', '1.0.1']) {
    await h.registry.request('POST', `/v1/models/${name}/versions`, { body: { version: v } });
    await h.registry.request('POST', `/v1/models/${name}/versions/${v}/transitions`, { body: { to: 'staging' } });
  }
  await h.registry.request('POST', `/v1/models/${name}/versions/1.0.0/promote`, { body: {} });
}

const ERRORS = { name: 'errors', kind: 'binomial', direction: 'lower' } as const;

/**
 * A running autoPromote experiment where the treatment clearly wins on conversion (1 in 4 vs 1 in
 * 10 of 4000 units); `errorsEvery` gives each arm's error rate (1 in n units; 0: no error events).
 */
async function winnerWithGuardrail(key: string, extra: Record<string, unknown>, errorsEvery: [number, number]) {
  await challengedModel(key);
  const created = await h.experiments.request('POST', '/v1/experiments', {
    body: experimentBody(key, key, { autoPromote: true, ...extra }),
  });
  expect(created.status).toBe(201);
  await h.experiments.request('POST', `/v1/experiments/${key}/start`);
  const assign = assigner({ seed: key, weights: [0.5, 0.5], coverage: 1 });
  const units = Array.from({ length: 4000 }, (_, i) => `${key}-${i}`);
  await h.experiments.request('POST', `/v1/experiments/${key}/exposures`, { body: { exposures: units.map((unit) => ({ unit })) } });
  const events = units.flatMap((unit, i) => {
    const arm = assign(unit).variant;
    const out = i % (arm === 0 ? 10 : 4) === 0 ? [{ unit, metric: 'conversion', value: 1 }] : [];
    const every = errorsEvery[arm]!;
    return every && i % every === 0 ? [...out, { unit, metric: 'errors', value: 1 }] : out;
  });
  expect((await h.experiments.request('POST', `/v1/experiments/${key}/events`, { body: { events } })).status).toBe(200);
}

const get = async (key: string) => (await h.experiments.request('GET', `/v1/experiments/${key}`)).body;
const production = async (model: string) => (await h.registry.request('GET', `/v1/models/${model}/production`)).body.version;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('a winner ships only when its guardrails pass', () => {
  it('warn: the winner is not promoted, automatically or on conclusion, and the conclusion says why', async () => {
    // Errors 1 in 10 vs 1 in 9 (+11 %, interval about ±25 %): maybe past the 5 % tolerance, maybe not.
    await winnerWithGuardrail('g-warn', { guardrails: [{ ...ERRORS, maxRelativeDegradation: 0.05 }] }, [10, 9]);
    const results = (await h.experiments.request('GET', '/v1/experiments/g-warn/results')).body;
    expect(results.comparisons.find((c: { metric: string }) => c.metric === 'conversion').significant).toBe(true);
    expect(results.guardrails.map((g: { verdict: string }) => g.verdict)).toEqual(['warn']);
    await tick();
    expect((await get('g-warn')).status).toBe('running');

    const concluded = await h.experiments.request('POST', '/v1/experiments/g-warn/conclude', { body: { promote: true } });
    expect(concluded.body.conclusion).toMatchObject({ winner: null, promoted: false, promotionError: 'no winner to promote' });
    expect(concluded.body.conclusion.recommendation).toEqual({
      action: 'keep_running',
      variant: null,
      reason:
        'treatment beats control on conversion, but guardrail errors of treatment is warn: it may degrade beyond 5%: not shipping yet',
    });
    expect(await production('g-warn')).toBe('1.0.0');
  });

  it('insufficient_data: the experiment keeps running', async () => {
    // No error events at all: the guardrail has nothing to compare yet.
    await winnerWithGuardrail('g-nodata', { guardrails: [{ ...ERRORS, maxRelativeDegradation: 0.05 }] }, [0, 0]);
    const results = (await h.experiments.request('GET', '/v1/experiments/g-nodata/results')).body;
    expect(results.guardrails.map((g: { verdict: string }) => g.verdict)).toEqual(['insufficient_data']);
    expect(results.recommendation.action).toBe('keep_running');
    await tick();
    expect((await get('g-nodata')).status).toBe('running');
    expect(await production('g-nodata')).toBe('1.0.0');
  });

  it('pass: the winner ships on its own', async () => {
    // Same error rate in both arms, tolerance 50 %: the interval stays well inside it.
    await winnerWithGuardrail('g-pass', { guardrails: [{ ...ERRORS, maxRelativeDegradation: 0.5 }] }, [10, 10]);
    expect(
      (await h.experiments.request('GET', '/v1/experiments/g-pass/results')).body.guardrails.map((g: { verdict: string }) => g.verdict),
    ).toEqual(['pass']);
    await tick();
    expect((await get('g-pass')).conclusion).toMatchObject({ winner: 'treatment', promoted: true });
    expect(await production('g-pass')).toBe('1.0.1');
  });

  it('below minSampleSize a significant winner neither concludes nor ships', async () => {
    await winnerWithGuardrail('g-small', { minSampleSize: 5000 }, [0, 0]);
    const results = (await h.experiments.request('GET', '/v1/experiments/g-small/results')).body;
    expect(results.comparisons.find((c: { metric: string }) => c.metric === 'conversion').significant).toBe(true);
    expect(results.recommendation).toMatchObject({
      action: 'keep_running',
      reason: expect.stringMatching(/^\d+ of the 5000 units per arm required$/),
    });
    await tick();
    expect((await get('g-small')).status).toBe('running');
    expect(await production('g-small')).toBe('1.0.0');
  });
});
