import { assigner } from '@modelyard/assignment';
import { tokenFor } from '@modelyard/platform/testing';
import { ExperimentsTick } from '../experiments/experiments.tick.js';
import { experimentBody, startHarness, type Harness } from './harness.js';

let h: Harness;
const tick = () => h.experiments.app.get(ExperimentsTick).tick(new Date(), true);
const MODEL = 'gated';

beforeAll(async () => {
  h = await startHarness();
  // Production needs one approval by someone other than the version's creator.
  await h.registry.request('POST', '/v1/models', { body: { name: MODEL, requiredApprovals: 1 } });
  for (const v of ['1.0.0', '1.0.1']) {
    await h.registry.request('POST', `/v1/models/${MODEL}/versions`, { body: { version: v } });
    await h.registry.request('POST', `/v1/models/${MODEL}/versions/${v}/transitions`, { body: { to: 'staging' } });
  }
  await h.registry.request('POST', `/v1/models/${MODEL}/versions/1.0.0/approvals`, {
    body: { decision: 'approve' },
    as: { bearer: tokenFor('editor', 'reviewer-0') },
  });
  expect((await h.registry.request('POST', `/v1/models/${MODEL}/versions/1.0.0/promote`, { body: {} })).status).toBe(200);
});
afterAll(() => h.close());

/** A clear win for the treatment (1 in 4 converts, control 1 in 10). */
async function clearWin(key: string) {
  await h.experiments.request('POST', '/v1/experiments', { body: experimentBody(key, MODEL) });
  await h.experiments.request('POST', `/v1/experiments/${key}/start`);
  const assign = assigner({ seed: key, weights: [0.5, 0.5], coverage: 1 });
  const ids = Array.from({ length: 4000 }, (_, i) => `${key}-u${i}`);
  await h.experiments.request('POST', `/v1/experiments/${key}/exposures`, { body: { exposures: ids.map((unit) => ({ unit })) } });
  const events = ids.flatMap((unit, i) =>
    i % (assign(unit).variant === 0 ? 10 : 4) === 0 ? [{ unit, metric: 'conversion', value: 1 }] : [],
  );
  await h.experiments.request('POST', `/v1/experiments/${key}/events`, { body: { events } });
}

describe('a winner whose model requires approvals', () => {
  it('waits for them, tick after tick, and is promoted once they are given', async () => {
    await clearWin('exp-gated');
    const concluded = await h.experiments.request('POST', '/v1/experiments/exp-gated/conclude', { body: { promote: true } });
    expect(concluded.status).toBe(200);
    expect(concluded.body.conclusion).toMatchObject({
      winner: 'treatment',
      promoted: false,
      awaitingApprovals: { version: '1.0.1' },
    });
    expect(concluded.body.conclusion.promotionError).toMatch(/^waiting for approvals: the registry answered 409/);
    expect(concluded.body.conclusion.awaitingApprovals.reason).toContain('experiment exp-gated');

    // Still missing: the tick asks again and keeps waiting.
    await tick();
    expect((await h.registry.request('GET', `/v1/models/${MODEL}/production`)).body.version).toBe('1.0.0');
    expect((await h.experiments.request('GET', '/v1/experiments/exp-gated')).body.conclusion.awaitingApprovals).toMatchObject({
      version: '1.0.1',
    });

    await h.registry.request('POST', `/v1/models/${MODEL}/versions/1.0.1/approvals`, {
      body: { decision: 'approve', comment: 'reviewed the experiment' },
      as: { bearer: tokenFor('editor', 'reviewer-1') },
    });
    await tick();
    expect((await h.registry.request('GET', `/v1/models/${MODEL}/production`)).body.version).toBe('1.0.1');
    const after = (await h.experiments.request('GET', '/v1/experiments/exp-gated')).body.conclusion;
    expect(after).toMatchObject({ winner: 'treatment', promoted: true, promotionError: null, awaitingApprovals: null });
    // The registry's audit names the experiment as the reason, as for an immediate promotion.
    const audit = await h.registry.request('GET', `/v1/audit?model=${MODEL}&action=version.promoted&limit=1`);
    expect(audit.body.items[0]).toMatchObject({ subject: `${MODEL}@1.0.1`, actor: 'service:experiments' });
    expect(audit.body.items[0].reason).toContain('experiment exp-gated');
  });

  it('stops waiting when the registry refuses for another reason', async () => {
    await h.registry.request('POST', `/v1/models/${MODEL}/versions`, { body: { version: '1.0.2' } });
    await h.registry.request('POST', `/v1/models/${MODEL}/versions/1.0.2/transitions`, { body: { to: 'staging' } });
    await h.experiments.request('POST', '/v1/experiments', {
      body: {
        ...experimentBody('exp-archived', MODEL),
        variants: [
          { key: 'control', version: '1.0.1', weight: 0.5 },
          { key: 'treatment', version: '1.0.2', weight: 0.5 },
        ],
      },
    });
    await h.experiments.request('POST', '/v1/experiments/exp-archived/start');
    const assign = assigner({ seed: 'exp-archived', weights: [0.5, 0.5], coverage: 1 });
    const ids = Array.from({ length: 4000 }, (_, i) => `a-u${i}`);
    await h.experiments.request('POST', '/v1/experiments/exp-archived/exposures', { body: { exposures: ids.map((unit) => ({ unit })) } });
    const events = ids.flatMap((unit, i) =>
      i % (assign(unit).variant === 0 ? 10 : 4) === 0 ? [{ unit, metric: 'conversion', value: 1 }] : [],
    );
    await h.experiments.request('POST', '/v1/experiments/exp-archived/events', { body: { events } });
    const concluded = await h.experiments.request('POST', '/v1/experiments/exp-archived/conclude', { body: { promote: true } });
    expect(concluded.body.conclusion.awaitingApprovals).toMatchObject({ version: '1.0.2' });

    // The version leaves staging meanwhile: no approval can make it promotable any more.
    await h.registry.request('POST', `/v1/models/${MODEL}/versions/1.0.2/transitions`, { body: { to: 'archived' } });
    await tick();
    const after = (await h.experiments.request('GET', '/v1/experiments/exp-archived')).body.conclusion;
    expect(after.awaitingApprovals).toBeNull();
    expect(after.promoted).toBe(false);
    expect(after.promotionError).toMatch(/^the registry answered 409/);
  });
});
