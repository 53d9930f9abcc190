import { randomUUID } from 'node:crypto';
import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, dropTestDatabase } from '@modelyard/db/testing';
import type { Role } from '@modelyard/types';
import { signHs256 } from '../auth/hs256.js';
import { createApp } from '../bootstrap.js';
import type { PlatformConfig } from '../config/platform-config.js';
import { deleteInstallation, testRedisEnv } from './redis.js';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

/** Signs an HS256 JWT, as an identity provider would. */
export function signJwt(claims: Record<string, unknown>, secret = TEST_JWT_SECRET, expiresInSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  return signHs256({ iat: now, exp: now + expiresInSeconds, ...claims }, secret);
}

export function tokenFor(role: Role, sub = `test-${role}`): string {
  return signJwt({ sub, roles: [role] });
}

// Test bodies are asserted field by field; `any` keeps those assertions short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** A role (a JWT is minted), a raw bearer token, or null for no credential. Default: admin. */
  as?: Role | { bearer: string } | { apiKey: string } | null;
  headers?: Record<string, string>;
  /** Send this exact string as the body (for malformed-input tests). */
  raw?: string | Buffer;
}

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  config: PlatformConfig;
  databaseUrl: string;
  redisPrefix: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export type AppBuilder = (env: Record<string, string | undefined>) => { module: DynamicModule; config: PlatformConfig };

/** State of an earlier TestApp to start again on, as a restarted service would. */
export interface ReuseState {
  databaseUrl: string;
  redisPrefix: string;
}

/**
 * Boots a real service for an e2e test file: its own Postgres database (cloned from a migrated
 * template), its own Redis key prefix, listening on a free port. Tests talk to it over HTTP.
 * With `reuse`, it starts on an earlier app's database and prefix instead (a restart); closing it
 * then drops them, so close the earlier app with `app.close()` alone.
 */
export async function startTestApp(build: AppBuilder, env: Record<string, string> = {}, reuse?: ReuseState): Promise<TestApp> {
  const db = reuse ? { url: reuse.databaseUrl, drop: () => dropTestDatabase(reuse.databaseUrl) } : await createTestDatabase();
  const redisPrefix = reuse?.redisPrefix ?? `test-${randomUUID().slice(0, 12)}`;
  const { module, config } = build({
    DATABASE_URL: db.url,
    ...testRedisEnv(),
    REDIS_PREFIX: redisPrefix,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RATE_LIMIT_MAX: '0',
    // Test files send many deliberately bad credentials from one address.
    AUTH_FAILURE_LIMIT_MAX: '0',
    NODE_ENV: 'test',
    ...env,
  });
  const app = await createApp(module, config);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const as = options.as === undefined ? 'admin' : options.as;
    if (typeof as === 'string') headers.authorization = `Bearer ${tokenFor(as)}`;
    else if (as && 'bearer' in as) headers.authorization = `Bearer ${as.bearer}`;
    else if (as && 'apiKey' in as) headers['x-api-key'] = as.apiKey;
    let body: string | Buffer | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${url}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  return {
    app,
    url,
    config,
    databaseUrl: db.url,
    redisPrefix,
    request,
    async close() {
      await app.close();
      await deleteInstallation(redisPrefix);
      await db.drop();
    },
  };
}

/**
 * The value of one series of a metric on the app's /metrics (0 when the series does not exist yet),
 * e.g. `metricValue(app, 'ml_background_failures_total', { loop: 'experiments-tick' })`.
 */
export async function metricValue(app: TestApp, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = (await app.request('GET', '/metrics', { as: null })).text;
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([\w:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Set((match[2] ?? '').split(/,(?=\w+=")/));
    if (wanted.every((l) => present.has(l))) return Number(match[3]);
  }
  return 0;
}

export * from './fuzz.js';
export * from '../metrics/metric-conventions.js';
export * from './openapi-check.js';
export * from './published-interfaces.js';
export * from './audit.js';
export * from './team-matrix.js';
export * from './redis.js';
export * from './redis-cluster.js';
