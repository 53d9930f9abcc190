import { parseClusterNodes } from '../redis/cluster-nodes.js';
import { bullKeysPattern, bullPrefix } from '../redis/key-tags.js';
import { createRedisClient, isCluster, keysMatching, type RedisClient, type RedisConfig } from '../redis/redis-client.js';

/**
 * The tests' Redis: REDIS_URL, or the cluster of REDIS_CLUSTER_NODES when the tests run in their
 * cluster profile (scripts/test.mjs). Tests never build clients themselves, so each runs in both.
 */
export function testRedisConfig(prefix = 'test'): RedisConfig {
  const parsed = parseClusterNodes(process.env.REDIS_CLUSTER_NODES ?? '');
  if (!parsed.ok) throw new Error(`REDIS_CLUSTER_NODES: ${parsed.problem}`);
  return { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix, clusterNodes: parsed.nodes };
}

/** The environment variables that point a test app at the tests' Redis. */
export function testRedisEnv(): Record<string, string> {
  const { url } = testRedisConfig();
  return { REDIS_URL: url, REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES ?? '' };
}

/**
 * A client on the tests' Redis without key prefix (tests read the services' keys in full), or with
 * `prefix` applied; BullMQ connections need `maxRetriesPerRequest: null`.
 */
export function testRedis(options: { prefix?: string; maxRetriesPerRequest?: number | null } = {}): RedisClient {
  return createRedisClient(testRedisConfig(options.prefix), {
    keyPrefix: options.prefix !== undefined,
    maxRetriesPerRequest: options.maxRetriesPerRequest,
  });
}

/** The BullMQ prefix the services use for `queue` under `prefix` on the tests' Redis. */
export function testBullPrefix(prefix: string, queue: string): string {
  return bullPrefix(prefix, testRedisConfig().clusterNodes.length > 0, queue);
}

/**
 * Deletes the keys matching `pattern` (full keys, on every master of a cluster). One DEL per key
 * in a cluster: keys found together may still hash to different slots.
 */
export async function deleteMatching(client: RedisClient, pattern: string): Promise<number> {
  const keys = await keysMatching(client, pattern);
  if (isCluster(client)) await Promise.all(keys.map((k) => client.del(k)));
  else for (let i = 0; i < keys.length; i += 1000) await client.del(...keys.slice(i, i + 1000));
  return keys.length;
}

/** Deletes everything an installation left under `prefix`: its keys and its queues. */
export async function deleteInstallation(prefix: string): Promise<void> {
  const client = testRedis();
  try {
    await deleteMatching(client, `${prefix}:*`);
    await deleteMatching(client, bullKeysPattern(prefix, testRedisConfig().clusterNodes.length > 0));
  } finally {
    await client.quit().catch(() => client.disconnect());
  }
}
