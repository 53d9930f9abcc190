import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createPrismaClient } from '@modelyard/db';
import { QueueService } from '@modelyard/platform';
import { testBullPrefix, testRedis, testRedisEnv, type TestApp } from '@modelyard/platform/testing';
import { JobName, QueueName, type DriftCheckJob } from '@modelyard/types';
import { Worker } from 'bullmq';
import { ChecksService, checkJobId } from '../checks/checks.service.js';
import { createMonitor, records, startDrift } from './harness.js';

let app: TestApp;
// This app runs no workers: the check is taken by the child process, then recovered by the worker below.
beforeAll(async () => {
  app = await startDrift({ RUN_WORKERS: '0' });
});
afterAll(() => app.close());

describe('stalled-job recovery', () => {
  it('finishes a check whose worker was killed mid-check, exactly once', async () => {
    const { id } = await createMonitor(app, 'stalled');
    await app.request('POST', `/v1/monitors/${id}/reference`, { body: { records: records(1, 500) } });
    await app.request('POST', `/v1/monitors/${id}/records`, { body: { records: records(2, 500, 1) } });
    // Only our job in the queue: pausing removes the monitor's scheduler (manual checks still run).
    await app.request('POST', `/v1/monitors/${id}/pause`);
    const queue = app.app.get(QueueService).queue(QueueName.driftChecks);
    await queue.drain(true);
    const data: DriftCheckJob = { monitorId: id, trigger: 'manual' };
    const jobId = checkJobId(id, 500, 1);
    const bullId = await app.app.get(QueueService).enqueueUnique(QueueName.driftChecks, JobName.driftCheck, data, jobId);

    const prefix = testBullPrefix(app.config.redis.prefix, QueueName.driftChecks);
    const child = spawn(process.execPath, [fileURLToPath(new URL('./stall-worker.mjs', import.meta.url)), app.config.redis.url, prefix], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...testRedisEnv() },
    });
    const taken = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => resolve(d.toString().trim()));
      child.on('exit', (code) => reject(new Error(`stall worker exited with ${code}`)));
    });
    expect(taken).toBe(`took ${bullId}`);
    expect(await (await queue.getJob(bullId))!.getState()).toBe('active');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    // Another worker (the service's own check code) with a short stalled-check interval picks it up.
    const connection = testRedis({ maxRetriesPerRequest: null });
    const checks = app.app.get(ChecksService);
    const runs: string[] = [];
    const worker = new Worker(
      QueueName.driftChecks,
      async (job) => {
        runs.push(job.id!);
        return checks.run(job.data as DriftCheckJob);
      },
      { connection, prefix, stalledInterval: 500, lockDuration: 1_000 },
    );
    try {
      let state = '';
      for (let i = 0; i < 100 && state !== 'completed'; i++) {
        await new Promise((r) => setTimeout(r, 200));
        state = await (await queue.getJob(bullId))!.getState();
      }
      expect(state).toBe('completed');
      const job = await queue.getJob(bullId);
      expect(job!.returnvalue).toMatchObject({ status: 'reported' });
      // BullMQ moved it back from the dead worker: it counts as stalled once.
      expect(job!.stalledCounter).toBe(1);
      expect(runs).toEqual([bullId]);
      // The same window queued again is the same job: nothing new runs, and a re-run writes nothing.
      await app.app.get(QueueService).enqueueUnique(QueueName.driftChecks, JobName.driftCheck, data, jobId);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(runs).toEqual([bullId]);
      expect(await checks.run(data)).toEqual({ status: 'skipped', reason: 'window 500 already reported' });
    } finally {
      await worker.close();
      await connection.quit();
    }
    const prisma = createPrismaClient(app.databaseUrl);
    try {
      const reports = await prisma.driftReport.findMany({ where: { monitorId: id } });
      expect(reports).toHaveLength(1);
      expect(reports[0]).toMatchObject({ windowSeq: 500n, severity: 'critical' });
    } finally {
      await prisma.$disconnect();
    }
  }, 60_000);
});
