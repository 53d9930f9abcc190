import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { EngineAdapterFactory } from './engine-adapter.js';
import { describeEngineError, loadSchemaEngine } from './wasm-engine.js';

export type { SchemaEngine };

export interface EngineSessionOptions {
  /** Receives the engine's own log lines (JSON), for debugging. */
  onEngineLog?: (line: string) => void;
}

/**
 * Runs `work` with a WebAssembly schema engine connected to `databaseUrl` through the pg driver
 * adapter, then frees the engine and closes every connection it opened.
 */
export async function withSchemaEngine<T>(
  databaseUrl: string,
  work: (engine: SchemaEngine) => Promise<T>,
  opts: EngineSessionOptions = {},
): Promise<T> {
  const SchemaEngineClass = await loadSchemaEngine();
  const factory = new EngineAdapterFactory(databaseUrl);
  const onLog = opts.onEngineLog ?? (() => undefined);
  let engine: SchemaEngine | undefined;
  try {
    engine = await SchemaEngineClass.new(
      { datamodels: undefined },
      (line: string) => onLog(line),
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    return await work(engine);
  } catch (err) {
    throw describeEngineError(err);
  } finally {
    engine?.free();
    await factory.close();
  }
}
