import { createPrismaClient, type PrismaClient } from '@modelyard/db';
import { closeRedisClient, createRedisClient, type RedisClient, type RedisConfig } from './redis/redis-client.js';

/**
 * Several services in one process (the all-in-one mode) share one Prisma client per database and
 * one Redis client per Redis URL and key prefix, instead of a pool each. Off by default: separate
 * processes, and tests that run replicas in one process, keep a client per app so one app's
 * failure or shutdown never reaches another's. Clients are counted; the last release closes one.
 */
let sharing = false;

interface Held<T> {
  client: T;
  users: number;
}
const prismas = new Map<string, Held<PrismaClient>>();
const redises = new Map<string, Held<RedisClient>>();

/** Turns sharing on for apps created from now on (the all-in-one runner, before it builds them). */
export function shareClients(on = true): void {
  sharing = on;
}

function acquire<T>(held: Map<string, Held<T>>, key: string, create: () => T): T {
  if (!sharing) return create();
  let entry = held.get(key);
  if (!entry) {
    entry = { client: create(), users: 0 };
    held.set(key, entry);
  }
  entry.users++;
  return entry.client;
}

/** Whether the caller should close `client`: always when unshared, for the last user when shared. */
function release<T>(held: Map<string, Held<T>>, client: T): boolean {
  for (const [key, entry] of held) {
    if (entry.client !== client) continue;
    if (--entry.users > 0) return false;
    held.delete(key);
    return true;
  }
  return true;
}

export function acquirePrisma(url: string): PrismaClient {
  return acquire(prismas, url, () => createPrismaClient(url));
}

export async function releasePrisma(client: PrismaClient): Promise<void> {
  if (release(prismas, client)) await client.$disconnect();
}

/** The platform's hot-state Redis client (key prefix applied by ioredis). */
export function acquireRedis(config: RedisConfig): RedisClient {
  const where = config.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',') || config.url;
  return acquire(redises, `${where}\n${config.prefix}`, () => createRedisClient(config, { keyPrefix: true, autoPipelining: true }));
}

export async function releaseRedis(client: RedisClient): Promise<void> {
  if (release(redises, client)) await closeRedisClient(client);
}
