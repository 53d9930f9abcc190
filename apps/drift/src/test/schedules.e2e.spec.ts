import { QueueService, type RedisClient } from '@modelyard/platform';
import { metricValue, type TestApp, testRedis, testBullPrefix } from '@modelyard/platform/testing';
import { QueueName } from '@modelyard/types';
import { ChecksProcessor, schedulerId } from '../checks/checks.processor.js';
import { createMonitor, startDrift } from './harness.js';

let app: TestApp;
let redis: RedisClient;
beforeAll(async () => {
  app = await startDrift();
  redis = testRedis();
});
afterAll(async () => {
  await redis.quit();
  await app.close();
});

describe('monitor schedules at start-up', () => {
  it('are re-created for every other monitor when one cannot be: that one is logged and counted', async () => {
    const poisoned = await createMonitor(app, 'sched-poisoned');
    const healthy = await createMonitor(app, 'sched-healthy');
    const queues = app.app.get(QueueService);
    const scheduler = (id: string) => queues.queue(QueueName.driftChecks).getJobScheduler(schedulerId(id));
    // Redis lost both schedulers, and a key that is no scheduler now sits where the poisoned one's goes.
    await queues.unschedule(QueueName.driftChecks, schedulerId(poisoned.id));
    await queues.unschedule(QueueName.driftChecks, schedulerId(healthy.id));
    await redis.set(
      `${testBullPrefix(app.redisPrefix, QueueName.driftChecks)}:${QueueName.driftChecks}:repeat:${schedulerId(poisoned.id)}`,
      'not a scheduler',
    );
    expect(await scheduler(healthy.id)).toBeFalsy();
    const failures = () => metricValue(app, 'ml_background_failures_total', { loop: 'drift-schedules', service: 'drift' });
    const before = await failures();

    await app.app.get(ChecksProcessor).onApplicationBootstrap();

    expect(await scheduler(healthy.id)).toMatchObject({ key: schedulerId(healthy.id), every: 3_600_000 });
    expect(await failures()).toBe(before + 1);
  });
});
