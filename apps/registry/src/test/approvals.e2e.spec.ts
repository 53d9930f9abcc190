import { startTestApp, tokenFor, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { createModel, promote, stagedVersion } from './factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
});
afterAll(() => t.close());

// Versions are created by the default caller, the admin `test-admin`; approvers are editors with
// their own subjects, so each is a distinct member.
const CREATOR = 'test-admin';
const member = (sub: string) => ({ bearer: tokenFor('editor', sub) });
const decide = (m: string, v: string, sub: string, decision: 'approve' | 'reject', comment?: string) =>
  t.request('POST', `/v1/models/${m}/versions/${v}/approvals`, { body: { decision, ...(comment ? { comment } : {}) }, as: member(sub) });
const approvals = (m: string, v: string) => t.request('GET', `/v1/models/${m}/versions/${v}/approvals`, { as: 'viewer' });
const gated = async (required: number) => {
  const m = await createModel(t, undefined, { requiredApprovals: required });
  return { m, v: await stagedVersion(t, m) };
};

describe('approvals before production', () => {
  it('refuses promotion until the required approvals of members other than the creator are in', async () => {
    const { m, v } = await gated(2);
    expect((await t.request('GET', `/v1/models/${m}`)).body.requiredApprovals).toBe(2);

    const none = await promote(t, m, v);
    expect(none.status).toBe(409);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    expect(none.body).toMatchObject({
      status: 409,
      title: 'Approvals missing',
      code: 'approvals_pending',
      approvalsMissing: 2,
      rejectedBy: [],
      approvals: { required: 2, approved: 0, rejected: 0, missing: 2, ready: false, by: [] },
    });
    expect(none.body.detail).toBe(`${m}@${v} may not enter production: 2 of 2 approvals missing (approved: 0)`);

    const own = await t.request('POST', `/v1/models/${m}/versions/${v}/approvals`, { body: { decision: 'approve' } });
    expect(own.status).toBe(403);
    expect(own.body.detail).toBe(
      `four-eyes rule: ${CREATOR} created ${m}@${v} and may not approve or reject it; another member must decide`,
    );

    const first = await decide(m, v, 'alice', 'approve', 'metrics look right');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ required: 2, approved: 1, missing: 1, ready: false });
    expect(first.body.by).toEqual([{ actor: 'alice', decision: 'approve', comment: 'metrics look right', at: expect.any(String) }]);
    const one = await promote(t, m, v);
    expect(one.status).toBe(409);
    expect(one.body).toMatchObject({ code: 'approvals_pending', approvalsMissing: 1, approvals: { approved: 1, missing: 1 } });

    // The same member approving again replaces their decision: still one approval.
    expect((await decide(m, v, 'alice', 'approve')).body).toMatchObject({ approved: 1, missing: 1 });
    expect((await promote(t, m, v)).body.approvalsMissing).toBe(1);

    expect((await decide(m, v, 'bob', 'approve')).body).toMatchObject({ approved: 2, missing: 0, ready: true });
    const done = await promote(t, m, v);
    expect(done.status).toBe(200);
    expect(done.body.promoted).toMatchObject({ version: v, stage: 'production' });

    const shown = await t.request('GET', `/v1/models/${m}/versions/${v}`);
    expect(shown.body.approvals).toMatchObject({ required: 2, approved: 2, rejected: 0, missing: 0, ready: true });
    expect(shown.body.approvals.by.map((d: { actor: string; comment: string | null }) => [d.actor, d.comment])).toEqual([
      ['alice', null],
      ['bob', null],
    ]);
  });

  it('audits every decision with the earlier one and the standing after it', async () => {
    const { m, v } = await gated(2);
    await decide(m, v, 'carol', 'reject', 'no validation yet');
    await decide(m, v, 'carol', 'approve', 'validated');
    const audit = await t.request('GET', `/v1/audit?model=${m}&action=version.`);
    const entries = audit.body.items.filter((e: { action: string }) => e.action === 'version.approved' || e.action === 'version.rejected');
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'version.approved',
        actor: 'carol',
        subject: `${m}@${v}`,
        reason: 'validated',
        before: expect.objectContaining({ actor: 'carol', decision: 'reject', comment: 'no validation yet' }),
        after: {
          decision: 'approve',
          comment: 'validated',
          approvals: { required: 2, approved: 1, rejected: 0, missing: 1, ready: false },
        },
      }),
      expect.objectContaining({
        action: 'version.rejected',
        actor: 'carol',
        reason: 'no validation yet',
        before: null,
        after: {
          decision: 'reject',
          comment: 'no validation yet',
          approvals: { required: 2, approved: 0, rejected: 1, missing: 2, ready: false },
        },
      }),
    ]);
  });

  it('lets a rejection block until the same member approves', async () => {
    const { m, v } = await gated(1);
    await decide(m, v, 'alice', 'approve');
    await decide(m, v, 'dave', 'reject', 'latency regression');
    const blocked = await promote(t, m, v);
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({ code: 'approvals_pending', approvalsMissing: 0, rejectedBy: ['dave'] });
    expect(blocked.body.detail).toBe(`${m}@${v} may not enter production: rejected by dave`);
    // Another member's approval does not lift dave's rejection.
    await decide(m, v, 'erin', 'approve');
    expect((await promote(t, m, v)).body.rejectedBy).toEqual(['dave']);
    expect((await decide(m, v, 'dave', 'approve')).body).toMatchObject({ approved: 3, rejected: 0, ready: true });
    expect((await promote(t, m, v)).status).toBe(200);
  });

  it('counts concurrent decisions of distinct members each once, and a member racing with themself once', async () => {
    const { m, v } = await gated(6);
    const members = ['m1', 'm2', 'm3', 'm4', 'm5'];
    const answers = await Promise.all([
      ...members.map((s) => decide(m, v, s, 'approve')),
      ...[1, 2, 3].map(() => decide(m, v, 'm6', 'approve')),
    ]);
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    const standing = (await approvals(m, v)).body;
    expect(standing).toMatchObject({ required: 6, approved: 6, missing: 0, ready: true });
    expect(standing.by.map((d: { actor: string }) => d.actor).sort()).toEqual([...members, 'm6']);
    expect((await promote(t, m, v)).status).toBe(200);
  });

  it('keeps promotion as it was when the model requires no approvals; decisions are then only recorded', async () => {
    const m = await createModel(t);
    expect((await t.request('GET', `/v1/models/${m}`)).body.requiredApprovals).toBe(0);
    const v1 = await stagedVersion(t, m);
    expect((await promote(t, m, v1)).status).toBe(200);
    const v2 = await stagedVersion(t, m);
    await decide(m, v2, 'alice', 'reject');
    expect((await approvals(m, v2)).body).toMatchObject({ required: 0, rejected: 1, missing: 0, ready: true });
    expect((await promote(t, m, v2)).status).toBe(200);
  });

  it('gates every way into production: transitions, MLflow transition-stage, and rollback to a version never in production', async () => {
    const m = await createModel(t);
    const v1 = await stagedVersion(t, m);
    expect((await promote(t, m, v1)).status).toBe(200);
    const v2 = await stagedVersion(t, m);
    expect((await promote(t, m, v2)).status).toBe(200);
    const patched = await t.request('PATCH', `/v1/models/${m}`, { body: { requiredApprovals: 1 } });
    expect(patched.body.requiredApprovals).toBe(1);

    const v3 = await stagedVersion(t, m);
    const viaTransition = await t.request('POST', `/v1/models/${m}/versions/${v3}/transitions`, { body: { to: 'production' } });
    expect(viaTransition.status).toBe(409);
    expect(viaTransition.body).toMatchObject({ code: 'approvals_pending', approvalsMissing: 1 });
    const viaRollback = await t.request('POST', `/v1/models/${m}/rollback`, { body: { to: v3 } });
    expect(viaRollback.body).toMatchObject({ code: 'approvals_pending', approvalsMissing: 1 });

    // MLflow clients get MLflow's error shape; a draft version is left in draft (checked before the first step).
    const v4 = (await t.request('POST', `/v1/models/${m}/versions`, { body: {} })).body;
    const mlflow = await t.request('POST', '/api/2.0/mlflow/model-versions/transition-stage', {
      body: { name: m, version: '4', stage: 'Production', archive_existing_versions: false },
    });
    expect(mlflow.status).toBe(400);
    expect(mlflow.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: `${m}@${v4.version} may not enter production: 1 of 1 approvals missing (approved: 0)`,
    });
    expect((await t.request('GET', `/v1/models/${m}/versions/${v4.version}`)).body.stage).toBe('draft');

    // v1 was in production before: it goes back without new approvals.
    const back = await t.request('POST', `/v1/models/${m}/rollback`, { body: { to: v1 } });
    expect(back.status).toBe(200);
    expect(back.body.production).toMatchObject({ version: v1, stage: 'production' });
  });

  it('validates the requirement and the decision, naming the field, and needs the write scope', async () => {
    const bad = await t.request('POST', '/v1/models', { body: { name: 'approvals-bad', requiredApprovals: 11 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'requiredApprovals' });
    const m = await createModel(t);
    const negative = await t.request('PATCH', `/v1/models/${m}`, { body: { requiredApprovals: -1 } });
    expect(negative.body.errors[0]).toMatchObject({ field: 'requiredApprovals' });
    const v = await stagedVersion(t, m);
    const odd = await t.request('POST', `/v1/models/${m}/versions/${v}/approvals`, { body: { decision: 'maybe' }, as: member('x') });
    expect(odd.status).toBe(400);
    expect(odd.body.errors[0]).toMatchObject({ field: 'decision' });
    const viewer = await t.request('POST', `/v1/models/${m}/versions/${v}/approvals`, { body: { decision: 'approve' }, as: 'viewer' });
    expect(viewer.status).toBe(403);
    expect((await t.request('GET', `/v1/models/${m}/versions/9.9.9/approvals`)).status).toBe(404);
  });

  it('documents the 409 and its approvalsMissing member in the OpenAPI document', async () => {
    const doc = (await t.request('GET', '/openapi.json', { as: null })).body;
    const conflict = doc.paths['/v1/models/{name}/versions/{version}/promote'].post.responses['409'];
    expect(conflict.description).toContain('approvals_pending');
    expect(JSON.stringify(conflict.content['application/problem+json'].schema)).toContain('approvalsMissing');
  });
});
