// The cluster profile of the tests: the e2e suites that lean on Redis the most (transactions, Lua scripts,
// pipelines, BullMQ, pub/sub, locks, rate limits), run again against a real Redis Cluster of three masters
// (REDIS_CLUSTER_NODES set for the services, as in production). The cluster is the test kit's
// (packages/platform/src/testing/redis-cluster.ts): reused when one runs, else started here and stopped after.
// `node scripts/cluster-profile.mjs` runs it alone (after a build); `npm test` runs it after the other tests.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, runCapture } from './lib.mjs';

/** Per package, the e2e files of the profile (each file gets its own database and Redis prefix, as usual). */
export const CLUSTER_SUITES = [
  { dir: 'apps/registry', files: ['versions', 'events', 'rate-limit', 'outbox'] },
  { dir: 'apps/experiments', files: ['experiments', 'outcomes', 'tick'] },
  { dir: 'apps/drift', files: ['drift', 'records', 'labels', 'window-checks', 'stalled', 'schedules'] },
  { dir: 'apps/learning', files: ['pipelines', 'strategies', 'recovery'] },
  // The whole loop over five services, with step deadlines: run alone, first, so the other suites' load does not
  // stretch its rounds past those deadlines.
  { dir: 'packages/demo', files: ['loop'], alone: true },
];

/** The test kit's cluster launcher, from the platform's build. */
async function testKit() {
  return import(pathToFileURL(join(ROOT, 'packages/platform/dist/testing/redis-cluster.js')).href);
}

/** Runs every suite of the profile against the cluster, the ones run alone first, then the others two packages at a time; resolves with their output. */
export async function runClusterProfile() {
  const { ensureRedisCluster } = await testKit();
  const cluster = await ensureRedisCluster();
  console.log(`Redis Cluster ${cluster.nodes} (${cluster.started ? 'started' : 'reused'})`);
  const env = { REDIS_CLUSTER_NODES: cluster.nodes };
  const jest = ['--experimental-vm-modules', join(ROOT, 'node_modules/jest/bin/jest.js')];
  const results = [];
  const runSuite = async (suite) => {
    const files = suite.files.map((f) => `src/test/${f}.e2e.spec.ts`);
    results.push(await runCapture(process.execPath, [...jest, ...files], { cwd: join(ROOT, suite.dir), env }));
  };
  const queue = CLUSTER_SUITES.filter((s) => !s.alone);
  const lane = async () => {
    for (let suite = queue.shift(); suite; suite = queue.shift()) await runSuite(suite);
  };
  try {
    for (const suite of CLUSTER_SUITES.filter((s) => s.alone)) await runSuite(suite);
    await Promise.all([lane(), lane()]);
  } finally {
    await cluster.stop();
  }
  return { code: results.find((r) => r.code !== 0)?.code ?? 0, output: results.map((r) => r.output).join('\n') };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { code, output } = await runClusterProfile();
  const totals = [...output.matchAll(/Tests:\s+(.*) total/g)].map((m) => m[1]);
  console.log(`\nCluster profile: ${totals.join(' | ')}`);
  process.exit(code);
}
