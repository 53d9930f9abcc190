import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does to one request: `drop-before` closes the connection without forwarding
 * (the service never sees it); `drop-after` forwards it, lets the service finish, then closes the
 * connection instead of answering (the client cannot know it worked); a status answers in place
 * of the service; `delayMs` forwards it late.
 */
export type Fault =
  | 'drop-before'
  | 'drop-after'
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** Holds the request this long before forwarding it (a slow network or service). */
  | { delayMs: number };

export interface FaultProxy {
  url: string;
  /** Faults to apply, in order, to the next requests that `match` (each used once). */
  inject(faults: Fault[], match?: (method: string, path: string) => boolean): void;
  /** Requests seen, by `METHOD path` (query excluded), with their Idempotency-Key when sent. */
  readonly log: Array<{ method: string; path: string; idempotencyKey?: string; fault?: Fault }>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A real HTTP proxy in front of a real service that breaks chosen requests the way networks and
 * overloaded services do, so clients' retry and idempotency behaviour is tested end to end.
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const pending: Array<{ fault: Fault; match: (method: string, path: string) => boolean }> = [];
  const log: FaultProxy['log'] = [];

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const pathOnly = url.split('?')[0]!;
    const index = pending.findIndex((p) => p.match(method, pathOnly));
    const fault = index >= 0 ? pending.splice(index, 1)[0]!.fault : undefined;
    const key = req.headers['idempotency-key'];
    log.push({ method, path: pathOnly, ...(typeof key === 'string' ? { idempotencyKey: key } : {}), ...(fault ? { fault } : {}) });
    const body = await readBody(req);
    if (fault === 'drop-before') return req.socket.destroy();
    if (fault && typeof fault === 'object' && 'delayMs' in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
    else if (fault && typeof fault === 'object') {
      res.writeHead(fault.status, { 'content-type': 'application/problem+json', ...fault.headers });
      return res.end(JSON.stringify(fault.body ?? { type: 'about:blank', title: 'Injected', status: fault.status, code: 'injected' }));
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        ([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length', 'transfer-encoding'].includes(k),
      ),
    ) as Record<string, string>;
    const upstream = await fetch(`${target}${url}`, { method, headers, body: body.length ? body : undefined });
    const payload = Buffer.from(await upstream.arrayBuffer());
    if (fault === 'drop-after') return req.socket.destroy();
    const out: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (!['content-encoding', 'transfer-encoding', 'connection', 'content-length'].includes(k)) out[k] = v;
    });
    res.writeHead(upstream.status, out);
    res.end(payload);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    inject(faults, match = () => true) {
      for (const fault of faults) pending.push({ fault, match });
    },
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
