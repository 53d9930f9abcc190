import { treeEnsembleClassifierOnnx } from '@modelyard/learners/testing';
import { createTeams, routesWithoutTeamCheck, signJwt, teamCast, teamMatrix } from '@modelyard/platform/testing';
import { KIT_SCHEMA, productionVersion, uniqueName, untilServing } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
const { alpha: ALPHA, beta: BETA, outsiders: OUTSIDERS } = teamCast();

/** A model of `team` in production with a servable version. */
async function servedTeamModel(team: string) {
  const name = uniqueName(team);
  expect((await h.registry.request('POST', '/v1/models', { body: { name, team } })).status).toBe(201);
  const version = await productionVersion(h.registry, name, { bytes: treeEnsembleClassifierOnnx(), inputSchema: KIT_SCHEMA });
  await untilServing(h.serving, name, version);
  return { name, version };
}

let alpha: { name: string; version: string };
beforeAll(async () => {
  h = await startHarness();
  await createTeams(h.registry);
  alpha = await servedTeamModel('alpha');
}, 60_000);
afterAll(() => h.close());

describe('team roles on every serving route (generated from the OpenAPI document)', () => {
  it('names a team check for every route that acts on a model', async () => {
    expect(await routesWithoutTeamCheck(h.serving, [/^\/v1\/admin\//])).toEqual([]);
  });

  it('refuses other teams and global editors, and lets the team roles through as their scope allows', async () => {
    const result = await teamMatrix({
      app: h.serving,
      // Nothing a call here can do stops the model being served for the next one (a shadow is
      // refused by its body, a validation needs a staged version): one model serves every call.
      fresh: () => Promise.resolve({ name: alpha.name, version: alpha.version }),
      members: ALPHA,
      outsiders: OUTSIDERS,
    });
    expect(result.mismatches).toEqual([]);
    expect(result.routes).toEqual(
      expect.arrayContaining(['post /v1/models/{name}/predict', 'post /v2/models/{name}/infer', 'put /v1/models/{name}/shadow']),
    );
    expect(result.refusedByRole.get('viewer')).toBeGreaterThanOrEqual(3);
    expect(result.refusedByRole.get('maintainer')).toBeUndefined();
  }, 120_000);
});

describe('team predictions end to end', () => {
  const predict = (as: { bearer: string }) =>
    h.serving.request('POST', `/v1/models/${alpha.name}/predict`, { as, body: { instances: [{ x0: 1, x1: 0.5 }] } });

  it("answers a team viewer's prediction; refuses other teams and global viewers on the team's model", async () => {
    const res = await predict(ALPHA.viewer);
    expect({ status: res.status, version: res.body.version }).toEqual({ status: 200, version: alpha.version });
    expect((await predict(BETA.maintainer)).status).toBe(403);
    expect((await predict({ bearer: signJwt({ sub: 'v', roles: ['viewer'] }) })).status).toBe(403);
    // The service credential (a platform admin) passes without a team.
    expect((await predict({ bearer: signJwt({ sub: 'service:experiments', roles: ['admin'] }) })).status).toBe(200);
  });

  it('lists only the served models the caller may read', async () => {
    const listed = async (as: { bearer: string }) =>
      ((await h.serving.request('GET', '/v1/models', { as })).body.items as { model: string }[]).some((m) => m.model === alpha.name);
    expect(await listed(ALPHA.viewer)).toBe(true);
    expect(await listed(BETA.viewer)).toBe(false);
  });
});
