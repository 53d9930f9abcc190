import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_JWT_SECRET, tokenFor } from '@modelyard/platform/testing';

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** The built learning service (dist/main.js) as its own OS process, so a test can SIGKILL it. */
export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  kill(): Promise<void>;
}

export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: APP_DIR,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET: TEST_JWT_SECRET,
      RATE_LIMIT_MAX: '0',
      AUTH_FAILURE_LIMIT_MAX: '0',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`learning exited with ${child.exitCode}: ${output}`);
    if (
      await fetch(`${url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error(`learning did not get ready: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const token = tokenFor('admin');
  return {
    url,
    child,
    output: () => output,
    async request(method, path, body) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * A pass-through HTTP proxy in front of the real registry that can hold back the answers to
 * version creation (the registry does the work, the caller never hears back, as when the caller
 * dies mid-call; `held` resolves when the first answer is held), or answer 503 to everything while
 * `outage` is on (the registry down).
 */
export async function registryProxy(target: string) {
  let holding = false;
  let outage = false;
  let heldOne: () => void = () => undefined;
  const held = new Promise<void>((r) => (heldOne = r));
  const pending: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (outage) {
      req.resume();
      res.writeHead(503).end();
      return;
    }
    const hold = holding && req.method === 'POST' && /^\/v1\/models\/[^/]+\/versions$/.test(req.url ?? '');
    const upstream = httpRequest(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      if (hold) {
        answer.resume();
        pending.push(res);
        heldOne();
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on('error', () => res.destroy());
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.on('error', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold: () => (holding = true),
    setOutage: (on: boolean) => (outage = on),
    held,
    async close() {
      for (const res of pending) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
