import { buildConsole } from '@modelyard/console/config';
import { buildDrift } from '@modelyard/drift/config';
import { buildExperiments } from '@modelyard/experiments/config';
import { buildLearning } from '@modelyard/learning/config';
import type { BuildService, ServiceToStart } from '@modelyard/platform';
import { buildRegistry } from '@modelyard/registry/config';
import { buildServing } from '@modelyard/serving/config';

interface Known {
  build: BuildService;
  port: number;
  /** The variable other services find it by, for those that call it. */
  urlVariable?: string;
}

/** In start order: the registry first (everything calls it), the console last (it calls everything). */
const KNOWN = new Map<string, Known>([
  ['registry', { build: buildRegistry, port: 3001, urlVariable: 'REGISTRY_URL' }],
  ['experiments', { build: buildExperiments, port: 3002, urlVariable: 'EXPERIMENTS_URL' }],
  ['drift', { build: buildDrift, port: 3003, urlVariable: 'DRIFT_URL' }],
  ['learning', { build: buildLearning, port: 3004, urlVariable: 'LEARNING_URL' }],
  ['serving', { build: buildServing as BuildService, port: 3005, urlVariable: 'SERVING_URL' }],
  ['console', { build: buildConsole as BuildService, port: 3000 }],
]);

export const ALL_SERVICES = [...KNOWN.keys()];

export class UnknownServiceError extends Error {}

/**
 * The services `MODELYARD_SERVICES` names (comma-separated; all when unset), each with its
 * environment: its port from `PORT_<NAME>` (default: the service's usual port), and the URLs of
 * the others started here unless the environment sets them.
 */
export function servicesToStart(env: Record<string, string | undefined>): ServiceToStart[] {
  const asked = (env.MODELYARD_SERVICES ?? ALL_SERVICES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = asked.filter((s) => !KNOWN.has(s));
  if (unknown.length || !asked.length) {
    throw new UnknownServiceError(
      `MODELYARD_SERVICES: unknown service(s) ${unknown.join(', ') || '(none named)'}; known: ${ALL_SERVICES.join(', ')}`,
    );
  }
  const chosen = ALL_SERVICES.filter((s) => asked.includes(s));
  const ports = new Map(chosen.map((name) => [name, portOf(env, name)]));
  const urls: Record<string, string> = {};
  for (const name of chosen) {
    const variable = KNOWN.get(name)!.urlVariable;
    if (variable && env[variable] === undefined) urls[variable] = `http://127.0.0.1:${ports.get(name)}`;
  }
  return chosen.map((name) => ({ name, build: KNOWN.get(name)!.build, env: { ...env, ...urls, PORT: String(ports.get(name)) } }));
}

function portOf(env: Record<string, string | undefined>, name: string): number {
  const variable = `PORT_${name.toUpperCase()}`;
  const given = env[variable];
  if (given === undefined) return KNOWN.get(name)!.port;
  const port = Number(given);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UnknownServiceError(`${variable}: a port number (0–65535), not "${given}"`);
  return port;
}
