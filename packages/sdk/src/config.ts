import type { HttpClientOptions } from './http/http-client.js';

/** Every service the SDK can talk to; a client for each is added beside the others. */
export const SERVICES = ['registry', 'experiments', 'drift', 'learning', 'serving'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Where each service listens by default (the ports `pnpm up` uses). */
export const DEFAULT_URLS: Record<ServiceName, string> = {
  registry: 'http://127.0.0.1:3001',
  experiments: 'http://127.0.0.1:3002',
  drift: 'http://127.0.0.1:3003',
  learning: 'http://127.0.0.1:3004',
  serving: 'http://127.0.0.1:3005',
};

/** The HTTP client's options (credential, timeout, retry, validation) shared by every service, plus where each one is. */
export interface ModelyardOptions extends Omit<HttpClientOptions, 'baseUrl'> {
  /** Base URL per service; missing ones fall back to `baseUrl`, then to DEFAULT_URLS. */
  urls?: Partial<Record<ServiceName, string>>;
  /** One URL for every service (e.g. an ingress that routes /v1/models, /v1/experiments, …). */
  baseUrl?: string;
}

const envName = (service: ServiceName) => `MODELYARD_${service.toUpperCase()}_URL`;

/**
 * Options from the environment: MODELYARD_API_KEY or MODELYARD_TOKEN, MODELYARD_URL (all
 * services), MODELYARD_<SERVICE>_URL (one service), MODELYARD_TIMEOUT_MS, and NODE_ENV for
 * response validation. The only place the SDK reads the environment.
 */
export function optionsFromEnv(env: Record<string, string | undefined> = process.env): ModelyardOptions {
  const urls: Partial<Record<ServiceName, string>> = {};
  for (const service of SERVICES) {
    const url = env[envName(service)];
    if (url) urls[service] = url;
  }
  const timeout = env.MODELYARD_TIMEOUT_MS ? Number(env.MODELYARD_TIMEOUT_MS) : undefined;
  if (timeout !== undefined && !(timeout > 0))
    throw new RangeError(`MODELYARD_TIMEOUT_MS must be a positive number of milliseconds, not '${env.MODELYARD_TIMEOUT_MS}'`);
  return {
    urls,
    ...(env.MODELYARD_URL ? { baseUrl: env.MODELYARD_URL } : {}),
    ...(env.MODELYARD_API_KEY ? { apiKey: env.MODELYARD_API_KEY } : {}),
    ...(env.MODELYARD_TOKEN ? { token: env.MODELYARD_TOKEN } : {}),
    ...(timeout ? { timeoutMs: timeout } : {}),
    validateResponses: env.NODE_ENV !== 'production',
  };
}

export function defaultValidation(): boolean {
  return process.env.NODE_ENV !== 'production';
}

export function urlOf(options: ModelyardOptions, service: ServiceName): string {
  return options.urls?.[service] ?? options.baseUrl ?? DEFAULT_URLS[service];
}
