/** Shared by the CLIs: run, print errors without a stack for expected failures, exit explicitly. */
export function runCli(main: () => Promise<void>): void {
  main().then(
    // The WebAssembly engine leaves timers behind, which would keep the process alive a little
    // longer than the work; exit as soon as the work is done.
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? `Error: ${err.message}` : err);
      if (process.env.DEBUG && err instanceof Error) console.error(err.stack);
      process.exit(1);
    },
  );
}

export const DEV_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/modelyard';
