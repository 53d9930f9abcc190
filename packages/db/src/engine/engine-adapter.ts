import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { connectMaintenance, pgErrorCode, quoteIdent, withDatabase } from '../database-url.js';
import { createEnginePool } from './engine-pool.js';

/**
 * Driver-adapter factory handed to the WebAssembly schema engine. It differs from a bare PrismaPg in
 * three ways, each a failure seen with the bare one:
 * - "char" columns in catalog queries are reported as text (engine-pool.ts);
 * - executeScript sends a migration as ONE simple-protocol query. PrismaPg splits the script on
 *   every ";" (breaking string literals and function bodies that contain one) and runs the pieces
 *   one by one, so a failing statement left earlier ones committed. As one query Postgres runs it in
 *   a single implicit transaction, like the native engine does;
 * - connectToShadowDb: PrismaPg's version builds the shadow pool as {...config, database}, where a
 *   connectionString overrides `database` (so the "shadow" is the main database), and it drops the
 *   shadow database while its own pool is still connected. Ours connects to the real shadow database
 *   and drops it WITH (FORCE) after closing the pool.
 * Every adapter it hands out is tracked, so close() frees connections the engine did not release.
 */
export class EngineAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres' as const;
  readonly adapterName = '@prisma/adapter-pg';
  private readonly open = new Set<SqlDriverAdapter>();

  constructor(private readonly url: string) {}

  connect(): Promise<SqlDriverAdapter> {
    return this.connectTo(this.url);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
    // Only has to be connected somewhere on the same server to issue CREATE/DROP DATABASE.
    const admin = await connectAnywhere(this.url);
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } catch (err) {
      await admin.end().catch(() => undefined);
      throw err;
    }
    const dropShadow = async (): Promise<void> => {
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      } finally {
        await admin.end().catch(() => undefined);
      }
    };
    try {
      return await this.connectTo(withDatabase(this.url, name), dropShadow);
    } catch (err) {
      await dropShadow();
      throw err;
    }
  }

  /** Releases every adapter still open (the engine does not always dispose what it connected). */
  async close(): Promise<void> {
    const adapters = [...this.open];
    await Promise.allSettled(adapters.map((a) => a.dispose()));
  }

  private async connectTo(url: string, afterDispose?: () => Promise<void>): Promise<SqlDriverAdapter> {
    const pool = createEnginePool(url);
    const adapter = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
    const dispose = adapter.dispose.bind(adapter);
    let disposed: Promise<void> | undefined;
    adapter.dispose = () => {
      disposed ??= (async () => {
        this.open.delete(adapter);
        try {
          await dispose();
        } finally {
          await afterDispose?.();
        }
      })();
      return disposed;
    };
    adapter.executeScript = async (script: string) => {
      // No parameters -> pg uses the simple query protocol, which accepts several statements.
      await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
    };
    this.open.add(adapter);
    return adapter;
  }
}

/** A session on the database of `url`, or on the maintenance database if that one does not exist. */
async function connectAnywhere(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    if (pgErrorCode(err) !== '3D000') throw err;
    return connectMaintenance(url);
  }
}
