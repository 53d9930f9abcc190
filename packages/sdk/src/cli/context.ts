import type { Command } from 'commander';
import { Modelyard } from '../modelyard.js';
import { resolveOptions, type CliSettings } from './config-file.js';

/** What every command gets: the SDK configured from flags/env/config file, and the output mode. */
export interface CliContext {
  my: Modelyard;
  json: boolean;
  /** Prints the result: JSON for scripts with --json, else the human rendering. */
  print(data: unknown, human: () => string): void;
}

export function contextOf(command: Command): CliContext {
  const flags = command.optsWithGlobals<CliSettings & { json?: boolean }>();
  const my = new Modelyard(resolveOptions(flags));
  const json = Boolean(flags.json);
  return {
    my,
    json,
    print(data, human) {
      process.stdout.write(`${json ? JSON.stringify(data, null, 2) : human()}\n`);
    },
  };
}

/** Wraps an action so it receives the context first; errors propagate to the one handler in cli.ts. */
export function withContext<A extends unknown[]>(fn: (ctx: CliContext, ...args: A) => Promise<void>) {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    await fn(contextOf(command), ...(args.slice(0, -1) as A));
  };
}
