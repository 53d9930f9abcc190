import { Command, CommanderError, Option } from 'commander';
import { SERVICES } from '../config.js';
import { ModelyardError } from '../http/errors.js';
import { COMMAND_GROUPS } from './commands/index.js';
import { ConfigError } from './config-file.js';

/** Exit codes: 0 success, 1 the operation failed (service or check), 2 bad usage or configuration. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function buildProgram(): Command {
  const program = new Command('modelyard')
    .description('Modelyard from the command line: models, artifacts, experiments, API keys')
    .version('0.1.0')
    .option('--json', 'print JSON (the API responses) instead of tables')
    .option('--config <file>', 'config file (default ~/.modelyard.json, or MODELYARD_CONFIG)')
    .addOption(new Option('--api-key <key>', 'API key (prefer MODELYARD_API_KEY: flags end up in shell history)').hideHelp())
    .showHelpAfterError()
    .exitOverride();
  for (const service of SERVICES)
    program.option(`--${service}-url <url>`, `${service} service URL (or MODELYARD_${service.toUpperCase()}_URL)`);
  for (const group of COMMAND_GROUPS) {
    const command = group();
    // Sub-commands throw instead of exiting too, so one handler decides the exit code.
    command.exitOverride();
    command.commands.forEach((c) => c.exitOverride());
    program.addCommand(command);
  }
  return program;
}

/** One line per failure: the problem's code and status, what went wrong, the request id to quote. */
export function describeError(err: unknown): string {
  if (err instanceof ModelyardError) return `error: ${err.describe()}${err.requestId ? ` [request ${err.requestId}]` : ''}`;
  if (err instanceof ConfigError) return `error: config: ${err.message}`;
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}

export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not failures; commander has already printed usage errors.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    process.stderr.write(`${describeError(err)}\n`);
    return err instanceof ConfigError || err instanceof RangeError ? EXIT.usage : EXIT.failed;
  }
}
