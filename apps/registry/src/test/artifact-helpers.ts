import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tokenFor, type TestApp } from '@modelyard/platform/testing';
import type { Role } from '@modelyard/types';

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
export const bytes = (n: number) => randomBytes(n);
export const MiB = 1024 * 1024;

export function upload(
  t: TestApp,
  model: string,
  version: string,
  path: string,
  data: Buffer,
  headers: Record<string, string> = {},
  as: Role = 'editor',
) {
  return t.request('PUT', `/v1/models/${model}/versions/${version}/artifacts/${path}`, {
    raw: data,
    as,
    headers: { 'content-type': 'application/octet-stream', ...headers },
  });
}

export interface Fetched {
  status: number;
  headers: Headers;
  /** The body, or the error that ended it early (a response cut short by an integrity failure). */
  body: Buffer | null;
  error: Error | null;
}

/** A binary GET (TestApp.request reads text); a body that breaks off is reported, not thrown. */
export async function download(
  t: TestApp,
  model: string,
  version: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Fetched> {
  const res = await fetch(`${t.url}/v1/models/${model}/versions/${version}/artifacts/${path}`, {
    headers: { authorization: `Bearer ${tokenFor('viewer')}`, ...headers },
  });
  try {
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()), error: null };
  } catch (err) {
    return { status: res.status, headers: res.headers, body: null, error: err as Error };
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A real S3 API (moto) on a free local port, for as long as the test file runs. */
export async function startMoto(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await fetch(endpoint);
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error('moto_server did not start (is it installed? pip install "moto[server]")');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Polls `probe` until it returns true (e.g. for a background job's effect). */
export async function eventually(probe: () => Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
