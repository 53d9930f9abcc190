import { parseArgs } from 'node:util';
import type { MigrationResolution } from '../migrations/resolve.js';

export interface DeployArgs {
  migrationsDir?: string;
  /** Set by --rolled-back <name> or --applied <name>: mark that migration, apply nothing. */
  resolve: { name: string; as: MigrationResolution } | null;
}

/** `deploy [--migrations-dir <dir>] [--rolled-back <name> | --applied <name>]` */
export function parseDeployArgs(args: string[]): DeployArgs {
  const { values } = parseArgs({
    args,
    options: { 'migrations-dir': { type: 'string' }, 'rolled-back': { type: 'string' }, applied: { type: 'string' } },
  });
  const rolledBack = values['rolled-back'];
  const applied = values.applied;
  if (rolledBack !== undefined && applied !== undefined) throw new Error('give --rolled-back or --applied, not both');
  let resolve: DeployArgs['resolve'] = null;
  if (rolledBack !== undefined) resolve = { name: rolledBack, as: 'rolled-back' };
  else if (applied !== undefined) resolve = { name: applied, as: 'applied' };
  if (resolve && !resolve.name) throw new Error(`--${resolve.as} needs a migration name`);
  return { migrationsDir: values['migrations-dir'], resolve };
}
