import { startTestApp, type TestApp, testRedis } from '@modelyard/platform/testing';
import { OUTBOX_EVENTS_CHANNEL, OutboxEventNotice } from '@modelyard/types';
import { buildRegistry } from '../config.js';
import { createModel, promote, stagedVersion } from './factories.js';
import { type RedisClient } from '@modelyard/platform';

let t: TestApp;
let subscriber: RedisClient;
/** Each notice heard, with what the registry answered for the model's production at that moment. */
const heard: { notice: OutboxEventNotice; production: string | null }[] = [];

beforeAll(async () => {
  t = await startTestApp(buildRegistry, { OUTBOX_POLL_MS: '50' });
  subscriber = testRedis();
  subscriber.on('message', (_channel: string, message: string) => {
    const notice = OutboxEventNotice.parse(JSON.parse(message));
    // Read the change back the moment it is announced, as the serving service does.
    void t.request('GET', `/v1/models/${notice.model}/production`).then((res) => {
      heard.push({ notice, production: res.status === 200 ? res.body.version : null });
    });
  });
  await subscriber.subscribe(`${t.redisPrefix}:${OUTBOX_EVENTS_CHANNEL}`);
});
afterAll(async () => {
  await subscriber.quit();
  await t.close();
});

async function until<T>(find: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`not heard within ${timeoutMs} ms: ${JSON.stringify(heard)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('model changes announced on Redis', () => {
  it('announces a promotion, a rollback and an alias move on <prefix>:events once committed', async () => {
    const model = await createModel(t);
    const v1 = await stagedVersion(t, model);
    const v2 = await stagedVersion(t, model);
    expect((await promote(t, model, v1)).status).toBe(200);
    expect((await promote(t, model, v2)).status).toBe(200);
    const promoted = await until(() => heard.find((h) => h.notice.event === 'version.promoted' && h.production === v2));
    expect(promoted.notice.model).toBe(model);

    expect((await t.request('POST', `/v1/models/${model}/rollback`, { body: {} })).status).toBe(200);
    // Announced after the commit: a read at the moment of the notice already sees the rollback.
    const rolledBack = await until(() => heard.find((h) => h.notice.event === 'version.rolled_back'));
    expect(rolledBack).toEqual({ notice: { event: 'version.rolled_back', model }, production: v1 });

    expect((await t.request('PUT', `/v1/models/${model}/aliases/champion`, { body: { version: v2 } })).status).toBe(201);
    await until(() => heard.find((h) => h.notice.event === 'alias.set' && h.notice.model === model));
  });
});
