// A drift-checks worker that takes one job and then hangs, as a process does when it dies
// mid-check; the test SIGKILLs it. Lock renewal stops with the process, so the job stalls.
import { Worker } from 'bullmq';
import { Cluster, Redis } from 'ioredis';

const [redisUrl, prefix] = process.argv.slice(2);
// The cluster profile of the tests passes the cluster's nodes (host:port,…) as the services get them.
const nodes = (process.env.REDIS_CLUSTER_NODES ?? '').split(',').filter(Boolean);
const connection = nodes.length
  ? new Cluster(
      nodes.map((n) => ({ host: n.split(':')[0], port: Number(n.split(':')[1]) })),
      { redisOptions: { maxRetriesPerRequest: null } },
    )
  : new Redis(redisUrl, { maxRetriesPerRequest: null });
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
