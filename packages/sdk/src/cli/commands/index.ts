import type { Command } from 'commander';
import { artifactsCommand } from './artifacts.js';
import { experimentsCommand } from './experiments.js';
import { keysCommand } from './keys.js';
import { modelsCommand } from './models.js';
import { monitorsCommand } from './monitors.js';
import { pipelinesCommand } from './pipelines.js';

/** Every command group of the CLI, one file each: a new service's group is one more entry. */
export const COMMAND_GROUPS: ReadonlyArray<() => Command> = [
  modelsCommand,
  artifactsCommand,
  experimentsCommand,
  monitorsCommand,
  pipelinesCommand,
  keysCommand,
];
