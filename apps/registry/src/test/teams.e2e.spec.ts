import { createTeams, routesWithoutTeamCheck, signJwt, startTestApp, teamMatrix, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { createVersion, stagedVersion, uniqueName } from './factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
  await createTeams(t);
});
afterAll(() => t.close());

type TeamRole = 'viewer' | 'editor' | 'maintainer';
const member = (sub: string, team: string, role: TeamRole) => ({ bearer: signJwt({ sub, teams: [{ team, role }] }) });
const ALPHA = {
  viewer: member('alpha-viewer', 'alpha', 'viewer'),
  editor: member('alpha-editor', 'alpha', 'editor'),
  maintainer: member('alpha-maintainer', 'alpha', 'maintainer'),
};
const BETA_MAINTAINER = member('beta-maintainer', 'beta', 'maintainer');

/** A model of `team` with version 1.0.0, made by an admin. */
async function teamModel(team = 'alpha') {
  const name = uniqueName('team');
  const res = await t.request('POST', '/v1/models', { body: { name, team } });
  expect(res.status).toBe(201);
  expect(res.body.team).toBe(team);
  await createVersion(t, name, { version: '1.0.0' });
  return name;
}

/**
 * Routes that act on no model: platform-wide (global admin), tracking (projects and runs belong to
 * no model), creation and lists (checked in their handler, tested below). Every other write route
 * must check the team of its model: a new route missing from both lists fails the matrix.
 */
const NOT_MODEL_ROUTES = [
  /^\/v1\/(api-keys|teams|admin|webhooks|projects|runs)(\/|$)/,
  /^\/(ajax-)?api\/2\.0\/mlflow\/(experiments|runs|metrics|artifacts|mlflow-artifacts|logged-models)/,
  /^\/(ajax-)?api\/2\.0\/mlflow-artifacts/,
  /^\/api\/2\.0\/mlflow\/registered-models\/create$/,
  // Answers MLflow endpoints this server does not implement.
  /^\/api\/2\.0\/mlflow\/\{path\}$/,
];

describe('team roles on every route of a team-owned model (generated from the OpenAPI document)', () => {
  it('names a team check for every route, except routes that act on no model', async () => {
    expect(await routesWithoutTeamCheck(t, NOT_MODEL_ROUTES)).toEqual([]);
  });

  it('refuses other teams, global editors and too low team roles (403), and lets the team role through', async () => {
    const result = await teamMatrix({
      app: t,
      fresh: async () => ({ name: await teamModel(), version: '1.0.0', alias: 'champion' }),
      members: ALPHA,
      outsiders: [
        ['beta maintainer', BETA_MAINTAINER],
        ['global editor', { bearer: signJwt({ sub: 'global-editor', roles: ['editor'] }) }],
      ],
    });
    expect(result.mismatches).toEqual([]);
    expect(result.routes.length).toBeGreaterThanOrEqual(40);
    expect(result.routes).toContain('post /v1/models/{name}/versions/{version}/promote');
    expect(result.routes).toContain('post /api/2.0/mlflow/model-versions/transition-stage');
    // Viewers are refused every write, editors every maintainer route (promote, delete...).
    expect(result.refusedByRole.get('viewer')).toBeGreaterThanOrEqual(20);
    expect(result.refusedByRole.get('editor')).toBeGreaterThanOrEqual(5);
    expect(result.refusedByRole.get('maintainer')).toBeUndefined();
  }, 180_000);
});

describe('team work end to end', () => {
  it('lets a team editor create a version and a team maintainer promote it; other teams and global editors cannot', async () => {
    const name = await teamModel();
    const created = await t.request('POST', `/v1/models/${name}/versions`, { as: ALPHA.editor, body: { version: '2.0.0' } });
    expect(created.status).toBe(201);
    expect(created.body.createdBy).toBe('alpha-editor');
    const staged = await t.request('POST', `/v1/models/${name}/versions/2.0.0/transitions`, { as: ALPHA.editor, body: { to: 'staging' } });
    expect(staged.status).toBe(200);

    const asEditor = await t.request('POST', `/v1/models/${name}/versions/2.0.0/promote`, { as: ALPHA.editor, body: {} });
    expect(asEditor.status).toBe(403);
    expect(asEditor.body).toMatchObject({ code: 'forbidden', team: 'alpha', neededTeamRole: 'maintainer' });
    const globalEditor = { bearer: signJwt({ sub: 'someone', roles: ['editor'] }) };
    expect((await t.request('POST', `/v1/models/${name}/versions`, { as: globalEditor, body: {} })).status).toBe(403);
    expect((await t.request('POST', `/v1/models/${name}/versions/2.0.0/promote`, { as: BETA_MAINTAINER, body: {} })).status).toBe(403);

    const promoted = await t.request('POST', `/v1/models/${name}/versions/2.0.0/promote`, { as: ALPHA.maintainer, body: {} });
    expect(promoted.status).toBe(200);
    const production = await t.request('GET', `/v1/models/${name}/production`, { as: ALPHA.viewer });
    expect(production.body.version).toBe('2.0.0');
    expect((await t.request('GET', `/v1/models/${name}/production`, { as: BETA_MAINTAINER })).status).toBe(403);
  });

  it('keeps global roles on models without a team', async () => {
    const name = uniqueName('free');
    const editor = { bearer: signJwt({ sub: 'free-editor', roles: ['editor'] }) };
    expect((await t.request('POST', '/v1/models', { as: editor, body: { name } })).status).toBe(201);
    expect((await t.request('POST', `/v1/models/${name}/versions`, { as: editor, body: {} })).status).toBe(201);
    // A member of a team only has no global role: unowned models are not its.
    expect((await t.request('POST', `/v1/models/${name}/versions`, { as: ALPHA.maintainer, body: {} })).status).toBe(403);
  });

  it('lets a team editor create a model for its team only', async () => {
    const mine = await t.request('POST', '/v1/models', { as: ALPHA.editor, body: { name: uniqueName('mine'), team: 'alpha' } });
    expect({ status: mine.status, team: mine.body.team }).toEqual({ status: 201, team: 'alpha' });
    const theirs = await t.request('POST', '/v1/models', { as: ALPHA.editor, body: { name: uniqueName('theirs'), team: 'beta' } });
    expect(theirs.status).toBe(403);
    expect((await t.request('POST', '/v1/models', { as: ALPHA.viewer, body: { name: uniqueName('v'), team: 'alpha' } })).status).toBe(403);
    // No team: a member without a global role cannot create.
    expect((await t.request('POST', '/v1/models', { as: ALPHA.editor, body: { name: uniqueName('none') } })).status).toBe(403);
    const unknown = await t.request('POST', '/v1/models', { body: { name: uniqueName('u'), team: 'no-such-team' } });
    expect(unknown.status).toBe(404);
  });

  it('transfers a model only for a maintainer of both teams (or an admin)', async () => {
    const name = await teamModel('alpha');
    expect((await t.request('PATCH', `/v1/models/${name}`, { as: ALPHA.maintainer, body: { team: 'beta' } })).status).toBe(403);
    expect((await t.request('PATCH', `/v1/models/${name}`, { as: BETA_MAINTAINER, body: { team: 'beta' } })).status).toBe(403);
    const both = {
      bearer: signJwt({
        sub: 'both',
        teams: [
          { team: 'alpha', role: 'maintainer' },
          { team: 'beta', role: 'maintainer' },
        ],
      }),
    };
    const moved = await t.request('PATCH', `/v1/models/${name}`, { as: both, body: { team: 'beta' } });
    expect({ status: moved.status, team: moved.body.team }).toEqual({ status: 200, team: 'beta' });
    expect((await t.request('POST', `/v1/models/${name}/versions`, { as: ALPHA.editor, body: {} })).status).toBe(403);
    expect((await t.request('GET', `/v1/models/${name}`, { as: BETA_MAINTAINER })).body.team).toBe('beta');
  });
});

describe('lists', () => {
  it('shows a caller only the models it may read; admins see all', async () => {
    const alphaModel = await teamModel('alpha');
    const betaModel = await teamModel('beta');
    const free = uniqueName('free');
    expect((await t.request('POST', '/v1/models', { body: { name: free } })).status).toBe(201);
    const names = async (as: { bearer: string } | 'viewer' | 'admin') => {
      const res = await t.request('GET', '/v1/models?limit=200', { as });
      expect(res.status).toBe(200);
      return (res.body.items as { name: string }[]).map((m) => m.name).filter((n) => [alphaModel, betaModel, free].includes(n));
    };
    expect(await names('admin')).toEqual([alphaModel, betaModel, free].sort());
    expect(await names(ALPHA.viewer)).toEqual([alphaModel]);
    expect(await names('viewer')).toEqual([free]);
    const viewerInBeta = { bearer: signJwt({ sub: 'vb', roles: ['viewer'], teams: [{ team: 'beta', role: 'viewer' }] }) };
    expect(await names(viewerInBeta)).toEqual([betaModel, free].sort());

    const search = await t.request('GET', '/api/2.0/mlflow/registered-models/search?max_results=1000', { as: ALPHA.viewer });
    const found = (search.body.registered_models as { name: string }[]).map((m) => m.name);
    expect({ alpha: found.includes(alphaModel), beta: found.includes(betaModel) }).toEqual({ alpha: true, beta: false });
    const versions = await t.request('GET', `/api/2.0/mlflow/model-versions/search?filter=${encodeURIComponent(`name='${betaModel}'`)}`, {
      as: ALPHA.viewer,
    });
    expect({ status: versions.status, found: versions.body.model_versions }).toEqual({ status: 200, found: undefined });

    const audit = await t.request('GET', `/v1/audit?model=${betaModel}`, { as: ALPHA.viewer });
    expect({ status: audit.status, items: audit.body.items.length }).toEqual({ status: 200, items: 0 });
    const own = await t.request('GET', `/v1/audit?model=${alphaModel}`, { as: ALPHA.viewer });
    expect(own.body.items.length).toBeGreaterThan(0);
    expect((await t.request('GET', '/v1/models', { as: { bearer: signJwt({ sub: 'nobody' }) } })).status).toBe(403);
  });
});

describe('memberships', () => {
  it('grants a member listed in the team at once, and stops it when removed', async () => {
    const name = await teamModel('alpha');
    const carol = { bearer: signJwt({ sub: 'carol' }) };
    expect((await t.request('POST', `/v1/models/${name}/versions`, { as: carol, body: {} })).status).toBe(403);
    const added = await t.request('PUT', '/v1/teams/alpha/members/carol', { body: { role: 'editor' } });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ member: 'carol', role: 'editor', addedBy: 'test-admin' });
    expect((await t.request('POST', `/v1/models/${name}/versions`, { as: carol, body: {} })).status).toBe(201);
    const whoami = await t.request('GET', '/v1/auth/whoami', { as: carol });
    expect(whoami.body.teams).toEqual([{ team: 'alpha', role: 'editor' }]);
    const team = await t.request('GET', '/v1/teams/alpha');
    expect(team.body.members).toEqual([expect.objectContaining({ member: 'carol', role: 'editor' })]);

    expect((await t.request('DELETE', '/v1/teams/alpha/members/carol')).status).toBe(200);
    expect((await t.request('POST', `/v1/models/${name}/versions`, { as: carol, body: {} })).status).toBe(403);
    expect((await t.request('DELETE', '/v1/teams/alpha/members/carol')).status).toBe(404);
  });

  it('audits team changes in the merged log: creation, a member added, its role changed, its removal', async () => {
    expect((await t.request('POST', '/v1/teams', { body: { name: 'audited', description: 'for the log' } })).status).toBe(201);
    expect((await t.request('PUT', '/v1/teams/audited/members/dan', { body: { role: 'viewer' } })).status).toBe(200);
    expect((await t.request('PUT', '/v1/teams/audited/members/dan', { body: { role: 'maintainer' } })).status).toBe(200);
    expect((await t.request('DELETE', '/v1/teams/audited/members/dan')).status).toBe(200);
    // A refused change leaves nothing: the team does not exist.
    expect((await t.request('PUT', '/v1/teams/nowhere/members/dan', { body: { role: 'viewer' } })).status).toBe(404);
    const log = await t.request('GET', '/v1/audit?service=platform&action=team.&limit=50');
    const mine = (log.body.items as { target: string }[]).filter(
      (e) => e.target.startsWith('team:audited') || e.target.startsWith('team:nowhere'),
    );
    expect(mine.reverse()).toEqual([
      expect.objectContaining({
        action: 'team.created',
        actor: 'test-admin',
        target: 'team:audited',
        after: { name: 'audited', description: 'for the log' },
      }),
      expect.objectContaining({ action: 'team.member_set', target: 'team:audited/member:dan', before: null, after: { role: 'viewer' } }),
      expect.objectContaining({ action: 'team.member_set', before: { role: 'viewer' }, after: { role: 'maintainer' } }),
      expect.objectContaining({
        action: 'team.member_removed',
        target: 'team:audited/member:dan',
        before: { role: 'maintainer' },
        after: null,
      }),
    ]);
  });

  it('lets only platform admins manage teams', async () => {
    expect((await t.request('POST', '/v1/teams', { as: ALPHA.maintainer, body: { name: 'gamma' } })).status).toBe(403);
    expect((await t.request('PUT', '/v1/teams/alpha/members/x', { as: ALPHA.maintainer, body: { role: 'maintainer' } })).status).toBe(403);
    expect((await t.request('POST', '/v1/teams', { body: { name: 'alpha' } })).status).toBe(409);
    const bad = await t.request('POST', '/v1/teams', { body: { name: 'Not A Name' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('name');
    expect((await t.request('PUT', '/v1/teams/nowhere/members/x', { body: { role: 'viewer' } })).status).toBe(404);
  });

  it('makes API keys for a team act there with their team role', async () => {
    const created = await t.request('POST', '/v1/api-keys', { body: { name: 'alpha-ci', roles: [], team: 'alpha', teamRole: 'editor' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ roles: [], team: 'alpha', teamRole: 'editor' });
    const key = { apiKey: created.body.key as string };
    const alphaModel = await teamModel('alpha');
    const betaModel = await teamModel('beta');
    expect((await t.request('POST', `/v1/models/${alphaModel}/versions`, { as: key, body: {} })).status).toBe(201);
    expect((await t.request('POST', `/v1/models/${betaModel}/versions`, { as: key, body: {} })).status).toBe(403);
    expect((await t.request('POST', `/v1/models/${alphaModel}/versions/1.0.0/promote`, { as: key, body: {} })).status).toBe(403);

    const half = await t.request('POST', '/v1/api-keys', { body: { name: 'half', roles: [], team: 'alpha' } });
    expect(half.status).toBe(400);
    expect(half.body.errors[0].field).toBe('teamRole');
    expect((await t.request('POST', '/v1/api-keys', { body: { name: 'none', roles: [] } })).status).toBe(400);
    expect((await t.request('POST', '/v1/api-keys', { body: { name: 'x', roles: [], team: 'nope', teamRole: 'viewer' } })).status).toBe(
      404,
    );
  });
});

describe('the teams claim', () => {
  it('refuses a malformed claim with 401 and says what is wrong', async () => {
    const claims = [
      { teams: 'alpha' },
      { teams: [{ team: 'alpha', role: 'owner' }] },
      { teams: [{ team: 'alpha' }] },
      { teams: [{ team: 'alpha', role: 'editor', extra: 1 }] },
      { teams: [{ team: 'constructor\u0000', role: 'editor' }] },
    ];
    for (const claim of claims) {
      const res = await t.request('GET', '/v1/models', { as: { bearer: signJwt({ sub: 'bad', roles: ['viewer'], ...claim }) } });
      expect({ claim, status: res.status }).toEqual({ claim, status: 401 });
      expect(res.body.detail).toMatch(/^the token's teams claim is malformed \(teams/);
    }
  });

  it('answers hostile model names in team-checked fields with 4xx, never 500, for members too', async () => {
    for (const bad of ['a\u0000b', 'x\ud800', 'constructor', '__proto__']) {
      const inPath = await t.request('POST', `/v1/models/${encodeURIComponent(bad.replace('\ud800', ''))}/versions`, {
        as: ALPHA.editor,
        body: {},
      });
      const inBody = await t.request('PATCH', '/api/2.0/mlflow/registered-models/update', { as: ALPHA.editor, body: { name: bad } });
      for (const res of [inPath, inBody]) expect({ bad, status: res.status < 500 && res.status >= 400 }).toEqual({ bad, status: true });
    }
  });

  it('keeps the service credential (global admin) passing team checks', async () => {
    const name = await teamModel('beta');
    const service = { bearer: signJwt({ sub: 'service:experiments', roles: ['admin'] }) };
    const version = await stagedVersion(t, name);
    expect((await t.request('POST', `/v1/models/${name}/versions/${version}/promote`, { as: service, body: {} })).status).toBe(200);
  });
});
