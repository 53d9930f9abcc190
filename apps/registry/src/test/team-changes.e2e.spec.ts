import { TeamChanges } from '@modelyard/platform';
import { createTeams, signJwt, startTestApp, type TestApp } from '@modelyard/platform/testing';
import { randomUUID } from 'node:crypto';
import { buildRegistry } from '../config.js';
import { eventually } from './artifact-helpers.js';

// Team checks keep the model's team and a member's role between changes (TeamAccess); every change
// is announced over Redis, so a replica that cached the old answer applies the new one as soon as
// the announcement reaches it. That is a message, not part of the writer's answer: on a loaded
// machine Redis may write it to the replica's connection a moment after the writer's reply, so each
// check waits until the replica has heard the change, then asks once, with its cache still warm.
let writer: TestApp;
let replica: TestApp;
beforeAll(async () => {
  writer = await startTestApp(buildRegistry);
  // A second replica on the same database and Redis prefix, as in production.
  replica = await startTestApp(buildRegistry, {}, { databaseUrl: writer.databaseUrl, redisPrefix: writer.redisPrefix });
  await createTeams(writer);
});
afterAll(async () => {
  // Only the app: the database and prefix are the writer's, dropped by its close.
  await replica.app.close();
  await writer.close();
});

const unique = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;
/** A caller with no global role: only the member list can let it in. */
const listedOnly = () => {
  const sub = unique('listed');
  return { sub, as: { bearer: signJwt({ sub, roles: [] }) } };
};
const readOn = (app: TestApp, model: string, as: { bearer: string }) =>
  app.request('GET', `/v1/models/${model}`, { as }).then((r) => r.status);

/** Runs `change` on the writer, then waits until the replica has heard an announcement since. */
async function announced(change: () => Promise<number>, expected: number): Promise<void> {
  const changes = replica.app.get(TeamChanges);
  const before = changes.generation();
  expect(before).toBeDefined();
  expect(await change()).toBe(expected);
  await eventually(async () => changes.generation() !== before, 5_000, 'the replica to hear the change');
}
const status = (app: TestApp, method: string, path: string, body?: unknown) =>
  app.request(method, path, body === undefined ? {} : { body }).then((r) => r.status);

async function ownedModel(team: string) {
  const name = unique('cached');
  expect((await writer.request('POST', '/v1/models', { body: { name, team } })).status).toBe(201);
  return name;
}

describe('team checks cached between changes, on every replica', () => {
  it('applies a member added, then removed, on the other replica as soon as it hears of it', async () => {
    const model = await ownedModel('alpha');
    const { sub, as } = listedOnly();
    // Refused twice on the replica: the second answer can come from its cache.
    expect(await readOn(replica, model, as)).toBe(403);
    expect(await readOn(replica, model, as)).toBe(403);
    await announced(() => status(writer, 'PUT', `/v1/teams/alpha/members/${sub}`, { role: 'viewer' }), 200);
    expect(await readOn(replica, model, as)).toBe(200);
    expect(await readOn(replica, model, as)).toBe(200);
    await announced(() => status(writer, 'DELETE', `/v1/teams/alpha/members/${sub}`), 200);
    expect(await readOn(replica, model, as)).toBe(403);
  });

  it('applies a transfer to another team on the other replica as soon as it hears of it', async () => {
    const model = await ownedModel('alpha');
    const { sub, as } = listedOnly();
    expect((await writer.request('PUT', `/v1/teams/alpha/members/${sub}`, { body: { role: 'viewer' } })).status).toBe(200);
    expect(await readOn(replica, model, as)).toBe(200);
    expect(await readOn(replica, model, as)).toBe(200);
    await announced(() => status(writer, 'PATCH', `/v1/models/${model}`, { team: 'beta' }), 200);
    expect(await readOn(replica, model, as)).toBe(403);
  });

  it('applies the team of a model created under a name the replica had seen unowned', async () => {
    const name = unique('later');
    const { sub, as } = listedOnly();
    expect((await writer.request('PUT', `/v1/teams/alpha/members/${sub}`, { body: { role: 'viewer' } })).status).toBe(200);
    // No such model yet: unowned, so global roles decide (none) and the caller is refused.
    expect(await readOn(replica, name, as)).toBe(403);
    await announced(() => status(writer, 'POST', '/v1/models', { name, team: 'alpha' }), 201);
    expect(await readOn(replica, name, as)).toBe(200);
  });
});
