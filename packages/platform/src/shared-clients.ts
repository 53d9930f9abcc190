import { createPrismaClient, type PrismaClient } from '@modelyard/db';
import { Redis } from 'ioredis';

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
const redises = new Map<string, Held<Redis>>();

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
export function acquireRedis(url: string, prefix: string): Redis {
  return acquire(redises, `${url}\n${prefix}`, () => {
    const client = new Redis(url, {
      keyPrefix: `${prefix}:`,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      lazyConnect: false,
      // Commands issued in the same event-loop turn (concurrent requests' sticky claims, rate-limit
      // counts) leave in one socket write instead of one write each; their order is kept.
      enableAutoPipelining: true,
    });
    // Connection errors are reported by /health/ready and by the commands that fail; without a
    // listener ioredis would print each reconnect attempt as an unhandled error event.
    client.on('error', () => undefined);
    return client;
  });
}

export async function releaseRedis(client: Redis): Promise<void> {
  if (release(redises, client)) await client.quit().catch(() => client.disconnect());
}
