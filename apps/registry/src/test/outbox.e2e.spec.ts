import { createPrismaClient } from '@modelyard/db';
import { QueueService, type RedisClient } from '@modelyard/platform';
import { metricValue, startTestApp, type TestApp, testRedis, testBullPrefix } from '@modelyard/platform/testing';
import { QueueName } from '@modelyard/types';
import { buildRegistry } from '../config.js';
import { eventually } from './artifact-helpers.js';
import { createModel } from './factories.js';

const ENV = { WEBHOOK_RETRY_BASE_MS: '100', OUTBOX_POLL_MS: '50', WEBHOOK_TIMEOUT_MS: '2000' };
const HOUR = 3_600_000;

let first: TestApp;
let app: TestApp;
let redis: RedisClient;
afterAll(async () => {
  await redis.quit();
  await app.close();
});

describe('the webhook outbox dispatcher', () => {
  it('queues every other delivery when one cannot be queued, counting and logging that one', async () => {
    // The first process only creates the database: were its dispatcher running, its first sweep could
    // queue these deliveries before the job key below is damaged, and nothing would fail to queue.
    first = await startTestApp(buildRegistry, { ...ENV, RUN_WORKERS: 'false' });
    redis = testRedis();
    // Deliveries whose jobs Redis lost, all overdue; the oldest one's job key holds something else.
    const prisma = createPrismaClient(first.databaseUrl);
    const [poisoned, ...healthy] = await (async () => {
      try {
        const subscription = await prisma.webhookSubscription.create({
          data: {
            url: 'http://127.0.0.1:9/hooks',
            events: ['model.created'],
            secret: 'whsec_a-secret-that-is-long-enough',
            createdBy: 'test',
          },
        });
        const outbox = await prisma.webhookOutbox.create({ data: { event: 'model.created', payload: {}, dispatchedAt: new Date() } });
        const delivery = (ageHours: number) =>
          prisma.webhookDelivery.create({
            data: {
              subscriptionId: subscription.id,
              outboxId: outbox.id,
              event: 'model.created',
              nextAttemptAt: new Date(Date.now() - ageHours * HOUR),
            },
          });
        return [await delivery(3), await delivery(2), await delivery(1)];
      } finally {
        await prisma.$disconnect();
      }
    })();
    await redis.set(
      `${testBullPrefix(first.redisPrefix, QueueName.webhooks)}:${QueueName.webhooks}:webhook-delivery.${poisoned!.id}`,
      'not a job',
    );

    // A restart sweeps for overdue deliveries at once.
    await first.app.close();
    app = await startTestApp(buildRegistry, ENV, { databaseUrl: first.databaseUrl, redisPrefix: first.redisPrefix });
    const queues = app.app.get(QueueService);
    const queued = async (id: string) => (await queues.job(QueueName.webhooks, `webhook-delivery:${id}`)) !== undefined;
    await eventually(async () => (await queued(healthy[0]!.id)) && (await queued(healthy[1]!.id)), 15_000, 'the healthy deliveries queued');
    const failures = () => metricValue(app, 'ml_background_failures_total', { loop: 'webhook-outbox', service: 'registry' });
    await eventually(async () => (await failures()) === 1, 5_000, 'the failure counted');

    // The dispatcher goes on: a new event is dispatched and queued.
    const model = await createModel(app);
    const prismaAfter = createPrismaClient(app.databaseUrl);
    try {
      await eventually(
        async () => {
          const rows = await prismaAfter.webhookDelivery.findMany({ where: { outbox: { payload: { path: ['model'], equals: model } } } });
          return rows.length === 1 && (await queued(rows[0]!.id));
        },
        15_000,
        'the new event queued',
      );
    } finally {
      await prismaAfter.$disconnect();
    }
  });
});
