import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDrift } from '@modelyard/drift/testing';
import { buildExperiments } from '@modelyard/experiments/testing';
import { buildLearning } from '@modelyard/learning/testing';
import { startTestApp, type ApiResponse, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '@modelyard/registry/testing';
import { CSRF_HEADER } from '@modelyard/types';
import { buildConsole } from '../config.js';

export interface Harness {
  registry: TestApp;
  experiments: TestApp;
  drift: TestApp;
  /** Only with `withLearning`. */
  learning?: TestApp;
  console: TestApp;
  close(): Promise<void>;
}

/**
 * The console in front of a real registry, experiments and drift service, as `npm run up` runs
 * them: one database and one Redis prefix, talking over HTTP.
 */
export async function startHarness(consoleEnv: Record<string, string> = {}, o: { withLearning?: boolean } = {}): Promise<Harness> {
  const artifacts = mkdtempSync(join(tmpdir(), 'console-artifacts-'));
  const registry = await startTestApp(buildRegistry, { ARTIFACT_DIR: artifacts });
  const shared = { databaseUrl: registry.databaseUrl, redisPrefix: registry.redisPrefix };
  const experiments = await startTestApp(buildExperiments, { REGISTRY_URL: registry.url }, shared);
  const drift = await startTestApp(buildDrift, {}, shared);
  const learning = o.withLearning
    ? await startTestApp(buildLearning, { REGISTRY_URL: registry.url, EXPERIMENTS_URL: experiments.url }, shared)
    : undefined;
  const app = await startTestApp(
    buildConsole,
    {
      REGISTRY_URL: registry.url,
      EXPERIMENTS_URL: experiments.url,
      DRIFT_URL: drift.url,
      ...(learning ? { LEARNING_URL: learning.url } : {}),
      // A call still forwarded when the suite ends holds the console's close() at most this long.
      CONSOLE_PROXY_TIMEOUT_MS: '5000',
      ...consoleEnv,
    },
    shared,
  );
  return {
    registry,
    experiments,
    drift,
    ...(learning ? { learning } : {}),
    console: app,
    async close() {
      // They share the registry's database and prefix: only the registry's close() drops them.
      for (const other of [app, ...(learning ? [learning] : []), drift, experiments]) await other.app.close();
      await registry.close();
      rmSync(artifacts, { recursive: true, force: true });
    },
  };
}

/** A signed-in session of the console, used over plain HTTP (the cookie and the CSRF token). */
export interface ConsoleSession {
  cookie: string;
  csrfToken: string;
  setCookie: string;
}

export async function signIn(consoleApp: TestApp, credential: string): Promise<ConsoleSession> {
  const res = await fetch(`${consoleApp.url}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ credential }),
  });
  if (res.status !== 201) throw new Error(`sign-in: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const body = (await res.json()) as { csrfToken: string };
  return { cookie: setCookie.split(';')[0]!, csrfToken: body.csrfToken, setCookie };
}

/** A call through the console with a session's cookie (and its CSRF token unless `csrf: false`). */
export async function viaConsole(
  consoleApp: TestApp,
  session: ConsoleSession | null,
  method: string,
  path: string,
  options: { body?: unknown; csrf?: boolean; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (session) headers.cookie = session.cookie;
  if (session && options.csrf !== false) headers[CSRF_HEADER] = session.csrfToken;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${consoleApp.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
  return { status: res.status, headers: res.headers, body: json, text };
}
