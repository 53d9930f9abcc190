import { assigner } from '@modelyard/assignment';
import { createPrismaClient } from '@modelyard/db';
import { signJwt } from '@modelyard/platform/testing';
import { ExperimentsTick } from '../experiments/experiments.tick.js';
import { experimentBody, startHarness, type Harness } from './harness.js';

// Named people, so the records can be checked to name the right one.
const alice = { bearer: signJwt({ sub: 'alice', roles: ['admin'] }) };
const bob = { bearer: signJwt({ sub: 'bob', roles: ['editor'] }) };

let h: Harness;
const tick = () => h.experiments.app.get(ExperimentsTick).tick(new Date(), true);

/** A model with 1.0.0 in production and 1.0.1 in staging, ready to be challenged. */
async function challengedModel(name: string) {
  await h.registry.request('POST', '/v1/models', { body: { name } });
  for (const v of ['1.0.0', '1.0.1']) {
    await h.registry.request('POST', `/v1/models/${name}/versions`, { body: { version: v } });
    await h.registry.request('POST', `/v1/models/${name}/versions/${v}/transitions`, { body: { to: 'staging' } });
  }
  await h.registry.request('POST', `/v1/models/${name}/versions/1.0.0/promote`, { body: {} });
}

/** 4000 exposed units; treatment converts 1 in 4, control 1 in 10: significant at once. */
async function clearWinner(key: string) {
  const assign = assigner({ seed: key, weights: [0.5, 0.5], coverage: 1 });
  const units = Array.from({ length: 4000 }, (_, i) => `${key}-${i}`);
  await h.experiments.request('POST', `/v1/experiments/${key}/exposures`, { body: { exposures: units.map((unit) => ({ unit })) } });
  const events = units
    .filter((u, i) => i % (assign(u).variant === 0 ? 10 : 4) === 0)
    .map((unit) => ({ unit, metric: 'conversion', value: 1 }));
  await h.experiments.request('POST', `/v1/experiments/${key}/events`, { body: { events } });
}

beforeAll(async () => {
  h = await startHarness();
  await challengedModel('auto-a');
  await challengedModel('auto-b');
});
afterAll(() => h.close());

describe('autoPromote needs the admin scope', () => {
  it('an editor turning it on is refused with a 403 naming admin, on create and on PATCH; turning it off is fine', async () => {
    const created = await h.experiments.request('POST', '/v1/experiments', {
      body: experimentBody('by-editor', 'auto-a', { autoPromote: true }),
      as: bob,
    });
    expect(created.status).toBe(403);
    expect(created.headers.get('content-type')).toContain('application/problem+json');
    expect(created.body).toMatchObject({ status: 403, neededScope: 'admin' });
    expect(created.body.detail).toContain("'admin'");
    expect((await h.experiments.request('GET', '/v1/experiments/by-editor')).status).toBe(404);
    // Not even for someone else.
    const onBehalf = await h.experiments.request('POST', '/v1/experiments', {
      body: experimentBody('by-editor', 'auto-a', { autoPromote: true, onBehalfOf: 'alice' }),
      as: bob,
    });
    expect(onBehalf.status).toBe(403);

    const plain = await h.experiments.request('POST', '/v1/experiments', { body: experimentBody('by-editor', 'auto-a'), as: bob });
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({ autoPromote: false, autoPromoteEnabledBy: null, createdBy: 'bob' });
    const patched = await h.experiments.request('PATCH', '/v1/experiments/by-editor', { body: { autoPromote: true }, as: bob });
    expect(patched.status).toBe(403);
    expect(patched.body.neededScope).toBe('admin');
    expect((await h.experiments.request('GET', '/v1/experiments/by-editor')).body.autoPromote).toBe(false);
    const off = await h.experiments.request('PATCH', '/v1/experiments/by-editor', {
      body: { autoPromote: false, description: 'still manual' },
      as: bob,
    });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ autoPromote: false, autoPromoteEnabledBy: null, description: 'still manual' });
  });

  it('an admin turns it on (create or PATCH) and is on record; off again clears the record', async () => {
    const created = await h.experiments.request('POST', '/v1/experiments', {
      body: experimentBody('by-admin', 'auto-a', { autoPromote: true }),
      as: alice,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ autoPromote: true, autoPromoteEnabledBy: 'alice' });
    // A service creating it for the admin who asked (the learning service does) names both.
    const relayed = await h.experiments.request('POST', '/v1/experiments', {
      body: experimentBody('relayed', 'auto-a', { autoPromote: true, onBehalfOf: 'carol' }),
      as: alice,
    });
    expect(relayed.body.autoPromoteEnabledBy).toBe('carol via alice');
    const stray = await h.experiments.request('POST', '/v1/experiments', {
      body: experimentBody('stray', 'auto-a', { onBehalfOf: 'carol' }),
      as: alice,
    });
    expect([stray.status, stray.body.errors?.[0]?.field]).toEqual([400, 'onBehalfOf']);

    await h.experiments.request('POST', '/v1/experiments', { body: experimentBody('later', 'auto-a'), as: bob });
    const on = await h.experiments.request('PATCH', '/v1/experiments/later', { body: { autoPromote: true }, as: alice });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ autoPromote: true, autoPromoteEnabledBy: 'alice', revision: 1 });
    const off = await h.experiments.request('PATCH', '/v1/experiments/later', { body: { autoPromote: false }, as: bob });
    expect(off.body).toMatchObject({ autoPromote: false, autoPromoteEnabledBy: null });
  });

  it('the automatic promotion is audited in the registry in the name of the admin who enabled it', async () => {
    // An editor sets the experiment up; an admin turns automatic promotion on.
    await h.experiments.request('POST', '/v1/experiments', { body: experimentBody('exp-audited', 'auto-b'), as: bob });
    await h.experiments.request('POST', '/v1/experiments/exp-audited/start', { as: bob });
    expect((await h.experiments.request('PATCH', '/v1/experiments/exp-audited', { body: { autoPromote: true }, as: alice })).status).toBe(
      200,
    );
    await clearWinner('exp-audited');
    await tick();

    const e = (await h.experiments.request('GET', '/v1/experiments/exp-audited')).body;
    expect(e).toMatchObject({ status: 'concluded', autoPromoteEnabledBy: 'alice' });
    expect(e.conclusion).toMatchObject({
      winner: 'treatment',
      promoted: true,
      concludedBy: 'service:experiments',
      reason: 'auto-promotion',
    });
    expect((await h.registry.request('GET', '/v1/models/auto-b/production')).body.version).toBe('1.0.1');
    const audit = (await h.registry.request('GET', '/v1/audit?model=auto-b&limit=1')).body.items[0];
    expect(audit).toMatchObject({ action: 'version.promoted', actor: 'service:experiments' });
    expect(audit.reason).toMatch(/^experiment exp-audited: treatment beats control on conversion; auto-promotion enabled by alice$/);
  });

  it('promotes nothing on its own when nobody is on record as having enabled it (set before the rule)', async () => {
    await challengedModel('auto-c');
    await h.experiments.request('POST', '/v1/experiments', { body: experimentBody('exp-legacy', 'auto-c', { autoPromote: true }) });
    await h.experiments.request('POST', '/v1/experiments/exp-legacy/start');
    const prisma = createPrismaClient(h.experiments.databaseUrl);
    await prisma.experiment
      .update({ where: { key: 'exp-legacy' }, data: { autoPromoteEnabledBy: null } })
      .finally(() => prisma.$disconnect());
    await clearWinner('exp-legacy');
    await tick();
    expect((await h.experiments.request('GET', '/v1/experiments/exp-legacy')).body.status).toBe('running');
    expect((await h.registry.request('GET', '/v1/models/auto-c/production')).body.version).toBe('1.0.0');
  });
});
