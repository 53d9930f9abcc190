import { metricValue, testRedis, testBullPrefix } from '@modelyard/platform/testing';
import { QueueName } from '@modelyard/types';
import { UpdateTrigger } from '../updates/update-trigger.js';
import { createModel, feed, pipelineBody, rows, startHarness, waitForUpdates, type Harness } from './harness.js';
import { type RedisClient } from '@modelyard/platform';

let h: Harness;
let redis: RedisClient;
const model = 'recovery-model';
beforeAll(async () => {
  h = await startHarness();
  redis = testRedis();
  await createModel(h.registry, model);
});
afterAll(async () => {
  await redis.quit();
  await h.close();
});

describe('start-up recovery of pending updates', () => {
  it('enqueues every other pipeline when one cannot be: that one is logged and counted', async () => {
    // Samples acknowledged, update not enqueued (as after a crash in between): 50 trainable rows
    // each, and a batch size lowered to 10 since (a change of batch size triggers nothing by itself).
    const ids: string[] = [];
    for (const name of ['rec-poisoned', 'rec-healthy']) {
      ids.push((await h.learning.request('POST', '/v1/pipelines', { body: pipelineBody(name, model) })).body.id);
      await feed(h.learning, name, rows(7, 250));
      expect((await h.learning.request('PATCH', `/v1/pipelines/${name}`, { body: { batchSize: 10 } })).status).toBe(200);
    }
    // Where the poisoned pipeline's next update job goes, Redis holds something that is no job.
    await redis.set(
      `${testBullPrefix(h.learning.redisPrefix, QueueName.learningUpdates)}:${QueueName.learningUpdates}:learning-update.${ids[0]}.1`,
      'not a job',
    );
    const failures = () => metricValue(h.learning, 'ml_background_failures_total', { loop: 'learning-recovery', service: 'learning' });
    const before = await failures();

    await h.learning.app.get(UpdateTrigger).onApplicationBootstrap();

    const [update] = await waitForUpdates(h.learning, 'rec-healthy', 1);
    expect(update).toMatchObject({ reason: 'samples', outcome: 'registered' });
    expect(await failures()).toBe(before + 1);
    // Its update comes once the key is repaired, at the next start.
    await redis.del(
      `${testBullPrefix(h.learning.redisPrefix, QueueName.learningUpdates)}:${QueueName.learningUpdates}:learning-update.${ids[0]}.1`,
    );
    await h.learning.app.get(UpdateTrigger).onApplicationBootstrap();
    expect((await waitForUpdates(h.learning, 'rec-poisoned', 1))[0]).toMatchObject({ reason: 'samples', outcome: 'registered' });
    expect(await failures()).toBe(before + 1);
  });
});
