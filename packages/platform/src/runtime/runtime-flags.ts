import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags every Modelyard process runs with, set from code so that no start path (a service's
 * main, the all-in-one process, `npm run up`, the image, Kubernetes) can miss them.
 *
 * `--liftoff-only`: Prisma's query compiler is a 3.4 MB WebAssembly module. By default V8 compiles
 * it with its baseline compiler (Liftoff) and recompiles the functions that run often with its
 * optimising compiler (TurboFan) on background threads, and that recompilation's working memory
 * stays in the process: about 40 MB of RSS per process, measured with `pnpm bench:memory`. Query
 * latency with Liftoff code alone is in the README (Performance).
 *
 * A wasm flag counts for modules compiled after it is set, so this must run before the first
 * query, which is when Prisma compiles the module; it does not touch JavaScript compilation.
 */
export const RUNTIME_V8_FLAGS: readonly string[] = ['--liftoff-only'];

let applied = false;

/** Applies RUNTIME_V8_FLAGS once; MODELYARD_V8_DEFAULTS=1 leaves V8's defaults (for comparisons). */
export function applyRuntimeFlags(env: Record<string, string | undefined> = process.env): void {
  if (applied || env.MODELYARD_V8_DEFAULTS === '1') return;
  applied = true;
  for (const flag of RUNTIME_V8_FLAGS) setFlagsFromString(flag);
}
