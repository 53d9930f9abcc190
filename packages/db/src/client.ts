import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient, type Prisma } from './generated/client.js';

export interface CreatePrismaClientOptions extends Omit<Prisma.PrismaClientOptionsWithAdapter, 'adapter'> {
  /** node-postgres pool settings (size, timeouts, ssl...); the URL comes from `databaseUrl`. */
  pool?: Omit<pg.PoolConfig, 'connectionString'>;
  /** Called on errors of idle pooled connections (e.g. the server restarted). */
  onPoolError?: (err: Error) => void;
}

/**
 * A PrismaClient on `databaseUrl` through the node-postgres driver adapter (Prisma 7 has no built-in
 * driver). The pool connects lazily; call `$disconnect()` on shutdown to close it.
 */
export function createPrismaClient(databaseUrl: string, opts: CreatePrismaClientOptions = {}): PrismaClient {
  const { pool, onPoolError, ...clientOptions } = opts;
  const adapter = new PrismaPg({ ...pool, connectionString: databaseUrl }, onPoolError ? { onPoolError } : undefined);
  return new PrismaClient({ ...clientOptions, adapter });
}
