import { randomUUID } from 'node:crypto';
import type { TestApp } from '@modelyard/platform/testing';

export const uniqueName = (prefix = 'model') => `${prefix}-${randomUUID().slice(0, 8)}`;

export async function createModel(t: TestApp, name = uniqueName(), extra: Record<string, unknown> = {}) {
  const res = await t.request('POST', '/v1/models', { body: { name, ...extra } });
  if (res.status !== 201) throw new Error(`createModel: ${res.status} ${res.text}`);
  return name;
}

export async function createVersion(t: TestApp, model: string, body: Record<string, unknown> = {}) {
  const res = await t.request('POST', `/v1/models/${model}/versions`, { body });
  if (res.status !== 201) throw new Error(`createVersion: ${res.status} ${res.text}`);
  return res.body.version as string;
}

/** A version in `staging`, ready to promote. */
export async function stagedVersion(t: TestApp, model: string, body: Record<string, unknown> = {}) {
  const version = await createVersion(t, model, body);
  const res = await t.request('POST', `/v1/models/${model}/versions/${version}/transitions`, { body: { to: 'staging' } });
  if (res.status !== 200) throw new Error(`stage: ${res.status} ${res.text}`);
  return version;
}

export async function promote(t: TestApp, model: string, version: string, body: Record<string, unknown> = {}) {
  return t.request('POST', `/v1/models/${model}/versions/${version}/promote`, { body });
}
