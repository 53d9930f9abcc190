import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildExperiments } from '@modelyard/experiments/testing';
import { buildRegistry } from '@modelyard/registry/testing';
import { buildServing } from '../config.js';

export interface Harness {
  registry: TestApp;
  /** Started with `{ experiments: true }`: a real experiments service on the same registry. */
  experiments?: TestApp;
  serving: TestApp;
  cacheDir: string;
  /** Another serving instance on the same registry and Redis prefix (a restart, a replica). */
  startServing(env?: Record<string, string>): Promise<TestApp>;
  close(): Promise<void>;
}

/**
 * A real registry (artifacts in a temporary directory, outbox polled every 50 ms) and a real
 * serving service calling it over HTTP with its own disk cache. They share the Redis prefix, as
 * the services of one installation do, so serving hears the registry's change announcements.
 */
export async function startHarness(
  env: Record<string, string> = {},
  registryEnv: Record<string, string> = {},
  options: { experiments?: boolean } = {},
): Promise<Harness> {
  const artifacts = mkdtempSync(join(tmpdir(), 'serving-artifacts-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'serving-cache-'));
  const registry = await startTestApp(buildRegistry, { ARTIFACT_DIR: artifacts, OUTBOX_POLL_MS: '50', ...registryEnv });
  // On the registry's database and Redis prefix, as one installation runs: its announcements reach serving.
  const shared = { databaseUrl: registry.databaseUrl, redisPrefix: registry.redisPrefix };
  const experiments = options.experiments ? await startTestApp(buildExperiments, { REGISTRY_URL: registry.url }, shared) : undefined;
  const extra: TestApp[] = [];
  const startServing = async (more: Record<string, string> = {}) => {
    const app = await startTestApp(buildServing, {
      REGISTRY_URL: registry.url,
      // One database, as one installation runs: serving reads model ownership from the platform tables.
      DATABASE_URL: registry.databaseUrl,
      ...(experiments ? { EXPERIMENTS_URL: experiments.url } : {}),
      REDIS_PREFIX: registry.redisPrefix,
      SERVING_CACHE_DIR: cacheDir,
      ...env,
      ...more,
    });
    extra.push(app);
    return app;
  };
  const serving = await startServing();
  return {
    registry,
    experiments,
    serving,
    cacheDir,
    startServing,
    async close() {
      for (const app of extra.reverse()) await app.close().catch(() => undefined);
      // It shares the registry's database and prefix: only the registry's close() drops them.
      await experiments?.app.close();
      await registry.close();
      rmSync(artifacts, { recursive: true, force: true });
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}
