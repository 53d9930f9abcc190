// A drift-checks worker that takes one job and then hangs, as a process does when it dies
// mid-check; the test SIGKILLs it. Lock renewal stops with the process, so the job stalls.
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const [redisUrl, prefix] = process.argv.slice(2);
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
const worker = new Worker(
  'drift-checks',
  async (job) => {
    process.stdout.write(`took ${job.id}\n`);
    await new Promise(() => undefined);
  },
  // Its stalled-check interval is short too: the first checker's interval gates every worker's next check.
  { connection, prefix, lockDuration: 1_000, stalledInterval: 500 },
);
worker.on('error', () => undefined);
