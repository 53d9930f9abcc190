// `node scripts/redis-cluster.mjs start|stop`: a local Redis Cluster of three masters on loopback ports
// (the test kit's, from the platform's build), to run the platform and `pnpm demo` against a cluster:
//   REDIS_CLUSTER_NODES=$(node scripts/redis-cluster.mjs start) npm run up
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './lib.mjs';

const kit = await import(pathToFileURL(join(ROOT, 'packages/platform/dist/testing/redis-cluster.js')).href);
const command = process.argv[2];
if (command === 'start') {
  const cluster = await kit.ensureRedisCluster();
  console.error(cluster.started ? 'started a Redis Cluster:' : 'a Redis Cluster runs already:');
  console.log(cluster.nodes);
} else if (command === 'stop') {
  await kit.stopRedisCluster();
} else {
  console.error('usage: node scripts/redis-cluster.mjs start|stop');
  process.exit(2);
}
