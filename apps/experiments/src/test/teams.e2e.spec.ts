import {
  createTeams,
  routesWithoutTeamCheck,
  signJwt,
  startTestApp,
  teamCast,
  teamMatrix,
  type TestApp,
} from '@modelyard/platform/testing';
import { buildRegistry } from '@modelyard/registry/testing';
import { randomUUID } from 'node:crypto';
import { buildExperiments } from '../config.js';
import { experimentBody } from './harness.js';

let registry: TestApp;
let experiments: TestApp;
const { alpha: ALPHA, beta: BETA, outsiders: OUTSIDERS } = teamCast();

/** A model of `team` with versions 1.0.0 and 1.0.1. */
async function teamModel(team: string) {
  const name = `${team}-${randomUUID().slice(0, 8)}`;
  expect((await registry.request('POST', '/v1/models', { body: { name, team } })).status).toBe(201);
  for (const version of ['1.0.0', '1.0.1']) {
    expect((await registry.request('POST', `/v1/models/${name}/versions`, { body: { version } })).status).toBe(201);
  }
  return name;
}

async function experimentOf(model: string) {
  const key = `exp-${randomUUID().slice(0, 8)}`;
  expect((await experiments.request('POST', '/v1/experiments', { body: experimentBody(key, model) })).status).toBe(201);
  return key;
}

let alphaModel: string;
beforeAll(async () => {
  registry = await startTestApp(buildRegistry);
  // One database, as in production: the experiments service reads model ownership from the platform tables.
  experiments = await startTestApp(buildExperiments, { REGISTRY_URL: registry.url, DATABASE_URL: registry.databaseUrl });
  await createTeams(registry);
  alphaModel = await teamModel('alpha');
});
afterAll(async () => {
  await experiments.close();
  await registry.close();
});

describe('team roles on every experiments route (generated from the OpenAPI document)', () => {
  it('names a team check for every route that acts on an experiment or a model', async () => {
    expect(await routesWithoutTeamCheck(experiments, [/^\/v1\/admin\//])).toEqual([]);
  });

  it('refuses other teams and global editors, and lets the team roles through as their scope allows', async () => {
    const result = await teamMatrix({
      app: experiments,
      fresh: async () => ({ key: await experimentOf(alphaModel), model: alphaModel }),
      members: ALPHA,
      outsiders: OUTSIDERS,
    });
    expect(result.mismatches).toEqual([]);
    expect(result.routes).toEqual(
      expect.arrayContaining(['post /v1/experiments', 'post /v1/experiments/{key}/start', 'post /v1/experiments/{key}/exposures']),
    );
    expect(result.refusedByRole.get('viewer')).toBeGreaterThanOrEqual(6);
    expect(result.refusedByRole.get('maintainer')).toBeUndefined();
  }, 180_000);
});

describe('team experiments end to end', () => {
  it("lets a team editor create and start an experiment on its team's model; others cannot touch it", async () => {
    const key = `exp-${randomUUID().slice(0, 8)}`;
    const created = await experiments.request('POST', '/v1/experiments', { as: ALPHA.editor, body: experimentBody(key, alphaModel) });
    expect(created.status).toBe(201);
    expect(created.body.createdBy).toBe('alpha-editor');
    const betaModel = await teamModel('beta');
    const theirs = await experiments.request('POST', '/v1/experiments', { as: ALPHA.editor, body: experimentBody(`x-${key}`, betaModel) });
    expect(theirs.status).toBe(403);

    expect((await experiments.request('POST', `/v1/experiments/${key}/start`, { as: BETA.maintainer })).status).toBe(403);
    expect((await experiments.request('POST', `/v1/experiments/${key}/start`, { as: ALPHA.editor })).body.status).toBe('running');
    expect((await experiments.request('GET', `/v1/experiments/${key}/results`, { as: ALPHA.viewer })).status).toBe(200);
    expect((await experiments.request('GET', `/v1/experiments/${key}/results`, { as: 'viewer' })).status).toBe(403);
  });

  it('lists only the experiments of models the caller may read', async () => {
    const alphaKey = await experimentOf(alphaModel);
    const betaKey = await experimentOf(await teamModel('beta'));
    const keys = async (as: { bearer: string } | 'admin') => {
      const res = await experiments.request('GET', '/v1/experiments?limit=200', { as });
      expect(res.status).toBe(200);
      return (res.body.items as { key: string }[]).map((e) => e.key).filter((k) => k === alphaKey || k === betaKey);
    };
    expect(await keys('admin')).toEqual([alphaKey, betaKey].sort());
    expect(await keys(ALPHA.viewer)).toEqual([alphaKey]);
    expect(await keys(BETA.viewer)).toEqual([betaKey]);
    expect(await keys({ bearer: signJwt({ sub: 'v', roles: ['viewer'] }) })).toEqual([]);
  });
});
