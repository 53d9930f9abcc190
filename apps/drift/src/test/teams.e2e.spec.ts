import { routesWithoutTeamCheck, startTestApp, teamCast, teamMatrix, type TestApp } from '@modelyard/platform/testing';
import { PrismaService } from '@modelyard/platform';
import { randomUUID } from 'node:crypto';
import { buildDrift } from '../config.js';
import { monitorBody, records } from './harness.js';

let drift: TestApp;
const { alpha: ALPHA, beta: BETA, outsiders: OUTSIDERS } = teamCast();

/**
 * A model owned by `team`, written as the registry writes it (its model row and its
 * platform_model_teams row): drift reads only the platform table, and this app serves no registry.
 */
async function teamModel(team: string) {
  const name = `${team}-${randomUUID().slice(0, 8)}`;
  const prisma = drift.app.get(PrismaService);
  await prisma.registeredModel.create({ data: { name, owner: 'test', ownership: { create: { team } } } });
  return name;
}

async function monitorOf(model: string) {
  const res = await drift.request('POST', '/v1/monitors', { body: monitorBody(`m-${randomUUID().slice(0, 8)}`, { model }) });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** An alert of a monitor of `model`: a reference, shifted records, a check. */
async function alertOf(model: string) {
  const id = await monitorOf(model);
  expect((await drift.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(1, 500) } })).status).toBe(200);
  expect((await drift.request('POST', `/v1/monitors/${id}/records`, { body: { records: records(2, 500, 1.5) } })).status).toBeLessThan(300);
  expect((await drift.request('POST', `/v1/monitors/${id}/check`)).status).toBeLessThan(300);
  const alerts = await drift.request('GET', `/v1/alerts?monitorId=${id}`);
  expect(alerts.body.items.length).toBeGreaterThan(0);
  return alerts.body.items[0].id as string;
}

let alphaModel: string;
beforeAll(async () => {
  drift = await startTestApp(buildDrift);
  await drift.app.get(PrismaService).team.createMany({ data: ['alpha', 'beta'].map((name) => ({ name, createdBy: 'test' })) });
  alphaModel = await teamModel('alpha');
});
afterAll(() => drift.close());

describe('team roles on every drift route (generated from the OpenAPI document)', () => {
  it('names a team check for every route that acts on a monitor, an alert or a model', async () => {
    expect(await routesWithoutTeamCheck(drift, [/^\/v1\/admin\//])).toEqual([]);
  });

  it('refuses other teams and global editors, and lets the team roles through as their scope allows', async () => {
    const result = await teamMatrix({
      app: drift,
      fresh: async (op) => ({
        id: op.path.startsWith('/v1/alerts/') ? await alertOf(alphaModel) : await monitorOf(alphaModel),
        model: alphaModel,
        feature: 'age',
        checkId: randomUUID(),
        reportId: randomUUID(),
      }),
      members: ALPHA,
      outsiders: OUTSIDERS,
    });
    expect(result.mismatches).toEqual([]);
    expect(result.routes).toEqual(
      expect.arrayContaining([
        'post /v1/monitors',
        'post /v1/monitors/{id}/records',
        'post /v1/alerts/{id}/acknowledge',
        'get /v1/dashboard/{model}',
      ]),
    );
    expect(result.refusedByRole.get('viewer')).toBeGreaterThanOrEqual(8);
    expect(result.refusedByRole.get('maintainer')).toBeUndefined();
  }, 240_000);
});

describe('team monitors end to end', () => {
  it('lets a team editor create a monitor and ingest; other teams cannot', async () => {
    const created = await drift.request('POST', '/v1/monitors', {
      as: ALPHA.editor,
      body: monitorBody('team-made', { model: alphaModel }),
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const ingest = (as: { bearer: string }) =>
      drift.request('POST', `/v1/monitors/${id}/records`, { as, body: { records: records(3, 10) } });
    expect((await ingest(ALPHA.editor)).status).toBeLessThan(300);
    expect((await ingest(BETA.maintainer)).status).toBe(403);
    expect((await ingest(ALPHA.viewer)).status).toBe(403);
    expect((await drift.request('DELETE', `/v1/monitors/${id}`, { as: ALPHA.editor })).status).toBe(403);
    expect((await drift.request('DELETE', `/v1/monitors/${id}`, { as: ALPHA.maintainer })).status).toBe(204);
  });

  it('lists only the monitors and alerts of models the caller may read', async () => {
    const alphaMonitor = await monitorOf(alphaModel);
    const betaMonitor = await monitorOf(await teamModel('beta'));
    const ids = async (as: { bearer: string } | 'admin') => {
      const res = await drift.request('GET', '/v1/monitors?limit=200', { as });
      expect(res.status).toBe(200);
      return (res.body.items as { id: string }[]).map((m) => m.id).filter((m) => m === alphaMonitor || m === betaMonitor);
    };
    expect((await ids('admin')).length).toBe(2);
    expect(await ids(ALPHA.viewer)).toEqual([alphaMonitor]);
    expect(await ids(BETA.viewer)).toEqual([betaMonitor]);
    const alert = await alertOf(alphaModel);
    const seen = async (as: { bearer: string }) =>
      ((await drift.request('GET', '/v1/alerts?limit=200', { as })).body.items as { id: string }[]).some((a) => a.id === alert);
    expect(await seen(ALPHA.viewer)).toBe(true);
    expect(await seen(BETA.viewer)).toBe(false);
  });
});
