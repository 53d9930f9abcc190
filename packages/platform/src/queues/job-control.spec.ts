import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { testRedis } from '../testing/redis.js';
import { retryLater } from './job-control.js';

// Against the real Redis, under a prefix of this file's own.
const prefix = `{test-job-control-${randomUUID().slice(0, 8)}}`;
const connection = testRedis({ maxRetriesPerRequest: null });
const queue = new Queue('retry-later', { connection, prefix });
const eventsConnection = testRedis({ maxRetriesPerRequest: null });
const events = new QueueEvents('retry-later', { connection: eventsConnection, prefix });
let worker: Worker | undefined;

afterAll(async () => {
  await worker?.close();
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
  await eventsConnection.quit();
});

describe('retryLater', () => {
  it('puts a job back as delayed without spending an attempt, and it runs again', async () => {
    const runs: number[] = [];
    worker = new Worker(
      'retry-later',
      async (job: Job) => {
        runs.push(Date.now());
        if (runs.length === 1) throw await retryLater(job, 300, new Error('not expected'));
        return 'done';
      },
      { connection, prefix },
    );
    await events.waitUntilReady();
    // One attempt only: a retry spending it would fail the job for good.
    const job = await queue.add('wait', {}, { attempts: 1 });
    expect(await job.waitUntilFinished(events, 10_000)).toBe('done');
    expect(runs).toHaveLength(2);
    expect(runs[1]! - runs[0]!).toBeGreaterThanOrEqual(300);
    expect((await queue.getJob(job.id!))?.attemptsMade).toBe(1);
  });

  it('gives back the fallback error for a job no worker handed out', async () => {
    const job = await queue.add('idle', {}, { delay: 60_000 });
    const fallback = new Error('retry with back-off');
    expect(await retryLater(job, 10, fallback)).toBe(fallback);
    expect(await job.getState()).toBe('delayed');
  });
});
