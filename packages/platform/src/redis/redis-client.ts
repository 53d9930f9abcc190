import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { ClusterNode } from './cluster-nodes.js';

/** Where Redis is: one server (url), or a cluster (its seed nodes; url then gives credentials only). */
export interface RedisConfig {
  url: string;
  /** REDIS_PREFIX: never contains braces, so the hash tag of a key is always the entity's (key-tags.ts). */
  prefix: string;
  clusterNodes: ClusterNode[];
}

/** A connection to single-node Redis or to a Redis Cluster: code written against it works with both. */
export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  /** Prefix every key with `<REDIS_PREFIX>:` (hot state). BullMQ forbids it; pub/sub channels ignore it. */
  keyPrefix?: boolean;
  /** How often a command is retried across reconnections; null (never give up) for BullMQ workers. Default 2. */
  maxRetriesPerRequest?: number | null;
  lazyConnect?: boolean;
  /**
   * Commands issued in the same event-loop turn (concurrent requests' sticky claims, rate-limit
   * counts) leave in one socket write instead of one write each; their order is kept. For the
   * shared hot-state client.
   */
  autoPipelining?: boolean;
  /** Shown by CLIENT LIST (CLIENT SETNAME), so an operator can tell the connections apart. */
  name?: string;
}

/**
 * The one place Redis connections are made. With REDIS_CLUSTER_NODES set it is an ioredis Cluster:
 * commands are routed by slot, so every multi-key command, MULTI, pipeline and Lua script must
 * keep its keys in one slot (key-tags.ts), and keyspace-wide commands must visit every master
 * (`keysMatching`). Connection errors are reported by /health/ready and the commands that fail;
 * without a listener ioredis would print each reconnect attempt as an unhandled error event.
 */
export function createRedisClient(config: RedisConfig, options: RedisClientOptions = {}): RedisClient {
  const keyPrefix = options.keyPrefix ? `${config.prefix}:` : undefined;
  const maxRetriesPerRequest = options.maxRetriesPerRequest === undefined ? 2 : options.maxRetriesPerRequest;
  const lazyConnect = options.lazyConnect ?? false;
  const enableAutoPipelining = options.autoPipelining ?? false;
  const named = options.name ? { connectionName: options.name } : {};
  const client = config.clusterNodes.length
    ? new Cluster(config.clusterNodes, {
        ...(keyPrefix ? { keyPrefix } : {}),
        lazyConnect,
        enableAutoPipelining,
        redisOptions: { maxRetriesPerRequest, ...named, ...credentials(config.url) },
      })
    : new Redis(config.url, { ...(keyPrefix ? { keyPrefix } : {}), maxRetriesPerRequest, lazyConnect, enableAutoPipelining, ...named });
  client.on('error', () => undefined);
  return client;
}

/** User, password and TLS of REDIS_URL, applied to every node of a cluster. */
function credentials(url: string): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const parsed = new URL(url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/** The connections that hold keys: the client itself, or every master of a cluster. */
export function keyHolders(client: RedisClient): Redis[] {
  return isCluster(client) ? client.nodes('master') : [client];
}

/**
 * Every key matching `pattern` (full keys: the client's keyPrefix is not applied to SCAN), found
 * with SCAN on every master, as a cluster spreads keys over them.
 */
export async function keysMatching(client: RedisClient, pattern: string): Promise<string[]> {
  const found: string[] = [];
  for (const node of keyHolders(client)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  return found;
}

/** Closes a connection, waiting for replies in flight when it can. */
export async function closeRedisClient(client: RedisClient): Promise<void> {
  await client.quit().catch(() => client.disconnect());
}
