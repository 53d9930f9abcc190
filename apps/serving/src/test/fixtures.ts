import { randomUUID } from 'node:crypto';
import type { TestApp } from '@modelyard/platform/testing';
import { KIT_FEATURES } from '@modelyard/learners/testing';

export const uniqueName = (prefix = 'model') => `${prefix}-${randomUUID().slice(0, 8)}`;

/** The kit models' schema: two numeric features in order. */
export const KIT_SCHEMA = { inputs: [...KIT_FEATURES] };

export interface NewVersion {
  artifact?: string;
  bytes: Uint8Array;
  inputSchema?: Record<string, unknown>;
  /** Other fields of the version (metrics, config, …). */
  fields?: Record<string, unknown>;
  /** Extra artifacts uploaded beside the servable one. */
  also?: Record<string, Uint8Array>;
}

async function ok<T = unknown>(res: Promise<{ status: number; text: string; body: T }>, what: string, ...expected: number[]): Promise<T> {
  const r = await res;
  if (!expected.includes(r.status)) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 500)}`);
  return r.body;
}

/** A model (created when new) with a new version carrying `bytes` as its artifact, moved to staging. */
export async function stagedVersion(registry: TestApp, model: string, v: NewVersion): Promise<string> {
  const exists = await registry.request('GET', `/v1/models/${model}`);
  if (exists.status === 404) await ok(registry.request('POST', '/v1/models', { body: { name: model } }), 'create model', 201);
  const body = { ...(v.inputSchema ? { inputSchema: v.inputSchema } : {}), ...v.fields };
  const created = await ok<{ version: string }>(registry.request('POST', `/v1/models/${model}/versions`, { body }), 'create version', 201);
  const files = { [v.artifact ?? 'model.onnx']: v.bytes, ...v.also };
  for (const [path, bytes] of Object.entries(files)) {
    const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const put = registry.request('PUT', `/v1/models/${model}/versions/${created.version}/artifacts/${path}`, {
      raw,
      headers: { 'content-type': 'application/octet-stream' },
    });
    await ok(put, `upload ${path}`, 201, 200);
  }
  await ok(
    registry.request('POST', `/v1/models/${model}/versions/${created.version}/transitions`, {
      body: { to: 'staging' },
    }),
    'stage',
    200,
  );
  return created.version;
}

export function promote(registry: TestApp, model: string, version: string) {
  return ok(registry.request('POST', `/v1/models/${model}/versions/${version}/promote`, { body: {} }), `promote ${version}`, 200);
}

export function setAlias(registry: TestApp, model: string, alias: string, version: string) {
  return ok(registry.request('PUT', `/v1/models/${model}/aliases/${alias}`, { body: { version } }), `alias ${alias}`, 200, 201);
}

/** A staged version promoted to production. */
export async function productionVersion(registry: TestApp, model: string, v: NewVersion): Promise<string> {
  const version = await stagedVersion(registry, model, v);
  await promote(registry, model, version);
  return version;
}

/** Polls until `check` returns a value (not undefined); returns it, with the time it took. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  everyMs = 25,
): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return { value, ms: Date.now() - start };
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until serving answers the model's production calls with `version` (and each alias with its version). */
export function untilServing(
  serving: TestApp,
  model: string,
  version: string | null,
  aliases: Record<string, string> = {},
  timeoutMs = 10_000,
) {
  return eventually(async () => {
    const res = await serving.request('GET', `/v1/models/${model}`);
    if (res.status !== 200 || res.body.production !== version) return undefined;
    const served = new Map((res.body.aliases as { alias: string; version: string }[]).map((a) => [a.alias, a.version]));
    return Object.entries(aliases).every(([a, v]) => served.get(a) === v) ? true : undefined;
  }, timeoutMs);
}

/** Sum of a Prometheus sample's values over the series whose labels include `labels`. */
export async function metric(app: TestApp, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = (await app.request('GET', '/metrics', { as: null })).text;
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const all = Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`));
    if (all) sum += Number(m[3]);
  }
  return sum;
}
