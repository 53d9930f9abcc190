import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

// The package's main entry imports the .wasm file as an ES module, which Node 20 only allows behind
// --experimental-wasm-modules. Its `schema_engine_bg` entry holds the same bindings without the
// wasm import, so we compile the module ourselves and hand it the exports, as Prisma's own test
// executor does (prisma-engines: libs/driver-adapters/executor/src/schema-engine-wasm.ts).
type Bindings = typeof import('@prisma/schema-engine-wasm/schema_engine_bg') & {
  __wbg_set_wasm(exports: Record<string, unknown>): void;
};

// Node has WebAssembly, but its TypeScript declarations live in lib.dom, which this repo does not
// load; this is the part we use.
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<{ exports: Record<string, unknown> }>;
  RuntimeError: new (...args: never[]) => Error;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export type SchemaEngineClass = typeof SchemaEngine;

interface PanicRegistry {
  message: string;
  set_message(message: string): void;
}

declare global {
  var PRISMA_WASM_PANIC_REGISTRY: PanicRegistry | undefined;
}

let loading: Promise<SchemaEngineClass> | undefined;

/** Loads and instantiates the WebAssembly schema engine once per process (module realm). */
export function loadSchemaEngine(): Promise<SchemaEngineClass> {
  loading ??= instantiate().catch((err: unknown): never => {
    loading = undefined;
    throw err;
  });
  return loading;
}

async function instantiate(): Promise<SchemaEngineClass> {
  // A Rust panic calls into this registry before the wasm traps; keeping the text lets
  // describeEngineError() show it instead of a bare "unreachable".
  globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
    message: '',
    set_message(message: string) {
      this.message = message;
    },
  };
  const bindings = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as Bindings;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const bytes = await readFile(join(dir, 'schema_engine_bg.wasm'));
  const module = await Wasm.compile(bytes);
  const instance = await Wasm.instantiate(module, { './schema_engine_bg.js': withUnrefTimers(bindings) });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bindings.SchemaEngine;
}

/**
 * The engine arms 10-second timers and, having no clearTimeout import, never cancels them, so each
 * use kept the process (or a Jest worker) alive 10 s after the work was done. The timers still fire; they just no longer hold the event loop open
 * on their own (while the engine works, its pg sockets do).
 */
function withUnrefTimers(bindings: Bindings): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...bindings };
  for (const key of Object.keys(imports).filter((k) => k.startsWith('__wbg_setTimeout_'))) {
    imports[key] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
  }
  return imports;
}

/** Engine errors arrive as plain objects or wasm traps; turn them into a readable Error. */
export function describeEngineError(err: unknown): Error {
  if (err instanceof Wasm.RuntimeError) {
    const panic = globalThis.PRISMA_WASM_PANIC_REGISTRY?.message;
    return new Error(`Prisma schema engine panicked: ${panic || err.message}`, { cause: err });
  }
  if (err instanceof Error) return err;
  if (err && typeof err === 'object') {
    const e = err as { message?: unknown; error_code?: unknown; meta?: unknown };
    const code = typeof e.error_code === 'string' ? ` [${e.error_code}]` : '';
    const message = typeof e.message === 'string' ? e.message : JSON.stringify(err);
    return new Error(`Prisma schema engine error${code}: ${message}`, { cause: err });
  }
  return new Error(`Prisma schema engine error: ${String(err)}`);
}
