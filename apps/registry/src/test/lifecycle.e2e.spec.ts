import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { createModel, createVersion, promote, stagedVersion } from './factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
});
afterAll(() => t.close());

const transition = (m: string, v: string, to: string, as: 'admin' | 'editor' = 'admin') =>
  t.request('POST', `/v1/models/${m}/versions/${v}/transitions`, { body: { to, reason: 'test' }, as });

describe('stage transitions', () => {
  it('follows draft → testing → staging and refuses a jump, naming the allowed targets', async () => {
    const m = await createModel(t);
    const v = await createVersion(t, m);
    expect((await transition(m, v, 'testing', 'editor')).body.stage).toBe('testing');
    const archivedToProd = await transition(m, v, 'staging', 'editor');
    expect(archivedToProd.body.stage).toBe('staging');
    expect((await transition(m, v, 'archived', 'editor')).status).toBe(200);
    const invalid = await transition(m, v, 'testing');
    expect(invalid.status).toBe(409);
    expect(invalid.body).toMatchObject({ code: 'invalid_transition', from: 'archived', to: 'testing', allowed: ['staging'] });
  });

  it('allows failed from every pre-production stage', async () => {
    const m = await createModel(t);
    for (const path of [[], ['testing'], ['staging']]) {
      const v = await createVersion(t, m);
      for (const stage of path) await transition(m, v, stage);
      expect((await transition(m, v, 'failed')).body.stage).toBe('failed');
    }
  });
});

describe('promotion', () => {
  it('promotes a staging version and archives the previous production version in one step', async () => {
    const m = await createModel(t);
    const v1 = await stagedVersion(t, m);
    const v2 = await stagedVersion(t, m);
    const first = await promote(t, m, v1, { reason: 'first' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ promoted: { version: v1, stage: 'production' }, archived: null });
    const second = await promote(t, m, v2);
    expect(second.body).toMatchObject({ promoted: { version: v2, stage: 'production' }, archived: v1 });
    expect((await t.request('GET', `/v1/models/${m}/production`)).body.version).toBe(v2);
    expect((await t.request('GET', `/v1/models/${m}/versions/${v1}`)).body.stage).toBe('archived');
    const audit = await t.request('GET', `/v1/audit?model=${m}&limit=1`);
    expect(audit.body.items[0]).toMatchObject({ action: 'version.promoted', subject: `${m}@${v2}` });
    expect(audit.body.items[0].after.archived).toEqual({ version: v1, stage: 'archived' });
  });

  it('needs the admin role and a staging version', async () => {
    const m = await createModel(t);
    const draft = await createVersion(t, m);
    expect((await t.request('POST', `/v1/models/${m}/versions/${draft}/promote`, { body: {}, as: 'editor' })).status).toBe(403);
    const res = await promote(t, m, draft);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('invalid_transition');
    expect((await transition(m, draft, 'production', 'editor')).status).toBe(403);
  });

  it('refuses a promotion the policy rejects, reporting both metric values, and changes nothing', async () => {
    const m = await createModel(t);
    const v1 = await stagedVersion(t, m, { metrics: { auc: 0.9 } });
    await promote(t, m, v1);
    const v2 = await stagedVersion(t, m, { metrics: { auc: 0.905 } });
    const policy = { metric: 'auc', direction: 'higher', minImprovement: 0.01 };
    const refused = await promote(t, m, v2, { policy });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('promotion_policy_rejected');
    expect(refused.body.decision).toMatchObject({ promote: false, candidateValue: 0.905, productionValue: 0.9 });
    expect(refused.body.decision.improvement).toBeCloseTo(0.005, 12);
    expect((await t.request('GET', `/v1/models/${m}/production`)).body.version).toBe(v1);

    const q = `/v1/models/${m}/versions/${v2}/should-promote?metric=auc&direction=higher&minImprovement=0.001`;
    const should = await t.request('GET', q, { as: 'viewer' });
    expect(should.body).toMatchObject({ promote: true, productionVersion: v1 });
    const accepted = await promote(t, m, v2, { policy: { ...policy, minImprovement: 0.001 } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.decision.promote).toBe(true);
  });

  it('treats lower-is-better metrics with the sign flipped', async () => {
    const m = await createModel(t);
    await promote(t, m, await stagedVersion(t, m, { metrics: { rmse: 10 } }));
    const v2 = await stagedVersion(t, m, { metrics: { rmse: 9 } });
    const res = await t.request('GET', `/v1/models/${m}/versions/${v2}/should-promote?metric=rmse&direction=lower&minImprovement=0.5`);
    expect(res.body).toMatchObject({ promote: true, improvement: 1 });
    const worse = await stagedVersion(t, m, { metrics: { rmse: 11 } });
    const no = await t.request('GET', `/v1/models/${m}/versions/${worse}/should-promote?metric=rmse&direction=lower`);
    expect(no.body).toMatchObject({ promote: false, improvement: -1 });
  });

  it('leaves exactly one production version after 50 concurrent promotions of different versions', async () => {
    const m = await createModel(t);
    const versions: string[] = [];
    for (let i = 0; i < 50; i++) versions.push(await stagedVersion(t, m));
    const results = await Promise.all(versions.map((v) => promote(t, m, v)));
    expect(results.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const winners = results.filter((r) => r.status === 200).length;
    expect(winners).toBeGreaterThanOrEqual(1);
    const prod = await t.request('GET', `/v1/models/${m}/versions?stage=production`);
    expect(prod.body.items).toHaveLength(1);
    const archived = await t.request('GET', `/v1/models/${m}/versions?stage=archived&limit=200`);
    expect(archived.body.items).toHaveLength(winners - 1);
    const promotedAudits = await t.request('GET', `/v1/audit?model=${m}&limit=200`);
    expect(promotedAudits.body.items.filter((e: { action: string }) => e.action === 'version.promoted')).toHaveLength(winners);
  });
});

describe('rollback', () => {
  it('returns the previous production version, and to a named one', async () => {
    const m = await createModel(t);
    const v1 = await stagedVersion(t, m);
    const v2 = await stagedVersion(t, m);
    const v3 = await stagedVersion(t, m);
    await promote(t, m, v1);
    await promote(t, m, v2);
    await promote(t, m, v3);
    const back = await t.request('POST', `/v1/models/${m}/rollback`, { body: { reason: 'bad latency' } });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ production: { version: v2, stage: 'production' }, archived: v3 });
    const named = await t.request('POST', `/v1/models/${m}/rollback`, { body: { to: v1 } });
    expect(named.body).toMatchObject({ production: { version: v1 }, archived: v2 });
    expect((await t.request('GET', `/v1/audit?model=${m}&limit=1`)).body.items[0].action).toBe('version.rolled_back');
  });

  it('answers 409 when there is nothing to roll back to', async () => {
    const m = await createModel(t);
    const res = await t.request('POST', `/v1/models/${m}/rollback`, { body: {} });
    expect(res.status).toBe(409);
  });
});

describe('retention', () => {
  it('archives all but the latest N, never the production or an aliased version', async () => {
    const m = await createModel(t);
    const vs: string[] = [];
    for (let i = 0; i < 6; i++) vs.push(await stagedVersion(t, m));
    await promote(t, m, vs[0]!);
    await t.request('PUT', `/v1/models/${m}/aliases/champion`, { body: { version: vs[1] } });
    const dry = await t.request('POST', `/v1/models/${m}/retention`, { body: { keepLatest: 2, dryRun: true } });
    expect(dry.body).toEqual({ archived: [vs[3], vs[2]], kept: [vs[5], vs[4], vs[1], vs[0]], dryRun: true });
    expect((await t.request('GET', `/v1/models/${m}/versions/${vs[2]}`)).body.stage).toBe('staging');
    const real = await t.request('POST', `/v1/models/${m}/retention`, { body: { keepLatest: 2 } });
    expect(real.body.archived).toEqual([vs[3], vs[2]]);
    expect((await t.request('GET', `/v1/models/${m}/versions/${vs[2]}`)).body.stage).toBe('archived');
    expect((await t.request('GET', `/v1/models/${m}/production`)).body.version).toBe(vs[0]);
  });
});
