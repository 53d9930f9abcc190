import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { SERVICES, optionsFromEnv, type ModelyardOptions } from '../config.js';

/** ~/.modelyard.json (or --config / MODELYARD_CONFIG): the same settings as the environment. */
export const ConfigFile = z.strictObject({
  apiKey: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
  baseUrl: z.url().optional(),
  urls: z.partialRecord(z.enum(SERVICES), z.url()).optional(),
  timeoutMs: z.number().positive().optional(),
});
export type ConfigFile = z.infer<typeof ConfigFile>;

export class ConfigError extends Error {}

function readConfigFile(file: string): ConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  const parsed = ConfigFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`config file ${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

export interface CliSettings {
  config?: string;
  apiKey?: string;
  [flag: string]: unknown;
}

/** Flags win over the environment, which wins over the config file. */
export function resolveOptions(flags: CliSettings, env: Record<string, string | undefined> = process.env): ModelyardOptions {
  const explicit = flags.config ?? env.MODELYARD_CONFIG;
  const fallback = join(homedir(), '.modelyard.json');
  const file = explicit ? readConfigFile(explicit) : existsSync(fallback) ? readConfigFile(fallback) : {};
  const fromEnv = optionsFromEnv(env);
  const urls = { ...file.urls, ...fromEnv.urls };
  for (const service of SERVICES) {
    const flag = flags[`${service}Url`];
    if (typeof flag === 'string') urls[service] = flag;
  }
  return {
    ...file,
    ...fromEnv,
    ...(flags.apiKey ? { apiKey: flags.apiKey } : {}),
    urls,
    userAgent: 'modelyard-cli/0.1',
  };
}
