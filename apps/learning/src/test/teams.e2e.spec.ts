import { createTeams, routesWithoutTeamCheck, startTestApp, teamCast, teamMatrix, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '@modelyard/registry/testing';
import { randomUUID } from 'node:crypto';
import { buildLearning } from '../config.js';
import { createModel, pipelineBody, rows } from './harness.js';

let registry: TestApp;
let learning: TestApp;
const { alpha: ALPHA, beta: BETA, globalEditor: GLOBAL_EDITOR, outsiders: OUTSIDERS } = teamCast();

async function teamModel(team: string) {
  const name = `${team}-${randomUUID().slice(0, 8)}`;
  await createModel(registry, name);
  // Owned after creation: a transfer by an admin, as an unowned model would be handed to its team.
  expect((await registry.request('PATCH', `/v1/models/${name}`, { body: { team } })).status).toBe(200);
  return name;
}

async function pipelineOf(model: string) {
  const res = await learning.request('POST', '/v1/pipelines', { body: pipelineBody(`p-${randomUUID().slice(0, 8)}`, model) });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

let alphaModel: string;
beforeAll(async () => {
  registry = await startTestApp(buildRegistry);
  // One database, as in production: learning reads model ownership from the platform tables.
  learning = await startTestApp(buildLearning, { REGISTRY_URL: registry.url, DATABASE_URL: registry.databaseUrl });
  await createTeams(registry);
  alphaModel = await teamModel('alpha');
});
afterAll(async () => {
  await learning.close();
  await registry.close();
});

describe('team roles on every learning route (generated from the OpenAPI document)', () => {
  it('names a team check for every route that acts on a pipeline or a model', async () => {
    expect(await routesWithoutTeamCheck(learning, [/^\/v1\/admin\//])).toEqual([]);
  });

  it('refuses other teams and global editors, and lets the team roles through as their scope allows', async () => {
    const result = await teamMatrix({
      app: learning,
      fresh: async () => ({ id: await pipelineOf(alphaModel), model: alphaModel, tuningId: randomUUID(), jobId: randomUUID() }),
      members: ALPHA,
      outsiders: OUTSIDERS,
    });
    expect(result.mismatches).toEqual([]);
    expect(result.routes).toEqual(
      expect.arrayContaining(['post /v1/pipelines', 'post /v1/pipelines/{id}/samples', 'post /v1/pipelines/{id}/trigger']),
    );
    expect(result.refusedByRole.get('viewer')).toBeGreaterThanOrEqual(10);
    expect(result.refusedByRole.get('maintainer')).toBeUndefined();
  }, 240_000);
});

describe('team pipelines end to end', () => {
  it('lets a team editor create a pipeline and feed it samples, by id or by name; other teams cannot', async () => {
    const name = `p-${randomUUID().slice(0, 8)}`;
    const created = await learning.request('POST', '/v1/pipelines', { as: ALPHA.editor, body: pipelineBody(name, alphaModel) });
    expect(created.status).toBe(201);
    const feed = (ref: string, as: { bearer: string }) =>
      learning.request('POST', `/v1/pipelines/${ref}/samples`, { as, body: { samples: rows(1, 5) } });
    expect((await feed(created.body.id, ALPHA.editor)).status).toBeLessThan(300);
    expect((await feed(name, ALPHA.editor)).status).toBeLessThan(300);
    expect((await feed(name, BETA.maintainer)).status).toBe(403);
    expect((await feed(created.body.id, GLOBAL_EDITOR)).status).toBe(403);
  });

  it('lists only the pipelines of models the caller may read', async () => {
    const alphaPipeline = await pipelineOf(alphaModel);
    const betaPipeline = await pipelineOf(await teamModel('beta'));
    const ids = async (as: { bearer: string } | 'admin') => {
      const res = await learning.request('GET', '/v1/pipelines?limit=200', { as });
      expect(res.status).toBe(200);
      return (res.body.items as { id: string }[]).map((p) => p.id).filter((p) => p === alphaPipeline || p === betaPipeline);
    };
    expect((await ids('admin')).length).toBe(2);
    expect(await ids(ALPHA.viewer)).toEqual([alphaPipeline]);
    expect(await ids(BETA.viewer)).toEqual([betaPipeline]);
  });
});
