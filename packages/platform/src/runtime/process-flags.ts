/**
 * Node flags that must be given when the process starts (V8 sizes its heap before any code runs),
 * unlike the wasm flags of runtime-flags.ts.
 *
 * `--max-semi-space-size=2` (MB): V8's young generation grows to 2 × 16 MB while a service starts
 * (thousands of modules and Nest's metadata are allocated then) and keeps that memory committed
 * afterwards; at 2 MB a service idles about 30 MB lower (`pnpm bench:startup`).
 */
export const PROCESS_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

const flagName = (flag: string) => flag.split('=')[0]!;

/** The PROCESS_FLAGS not given already on the command line or in NODE_OPTIONS (what the operator gave wins). */
export function missingProcessFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map(flagName);
  return PROCESS_FLAGS.filter((flag) => !given.includes(flagName(flag)));
}

type Execve = (file: string, args: string[], env: NodeJS.ProcessEnv) => never;

/**
 * Replaces this process by the same command with the missing PROCESS_FLAGS (`process.execve`,
 * Node ≥ 22.15: same pid, so signals, container runtimes and process managers see no difference).
 * On an older Node it does nothing and returns false; the start paths that run there (`npm run up`,
 * the packages' start scripts, the benchmarks) pass the flags themselves. MODELYARD_V8_DEFAULTS=1
 * keeps Node's defaults.
 */
export function relaunchWithProcessFlags(): boolean {
  if (process.env.MODELYARD_V8_DEFAULTS === '1') return false;
  const missing = missingProcessFlags(process.execArgv, process.env.NODE_OPTIONS);
  const execve = (process as unknown as { execve?: Execve }).execve;
  if (!missing.length || typeof execve !== 'function') return false;
  try {
    return execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)], process.env);
  } catch (err) {
    // A platform without execve (Windows) runs on with Node's defaults rather than not at all.
    console.warn(`running without ${missing.join(' ')}: ${(err as Error).message}`);
    return false;
  }
}
