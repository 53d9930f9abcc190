import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { verifyWebhook } from '@modelyard/platform';
import { WEBHOOK_HEADERS } from '@modelyard/types';
import { freePort } from './artifact-helpers.js';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; occurredAt: string; data: { model?: string; subject?: string } & Record<string, unknown> };
}

/**
 * A real webhook receiver on 127.0.0.1. It can be down (not listening: connections are refused)
 * and come back on the same port, or answer with a chosen status.
 */
export async function startReceiver() {
  const port = await freePort();
  const received: Received[] = [];
  let status = 200;
  let server: Server | null = null;

  const up = () =>
    new Promise<void>((resolve) => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (status >= 200 && status < 300) received.push({ headers: req.headers, body, json: JSON.parse(body) as Received['json'] });
          res.writeHead(status).end();
        });
      });
      server.listen(port, '127.0.0.1', () => resolve());
    });

  const down = () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
      server = null;
    });

  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    up,
    down,
    answer(code: number) {
      status = code;
    },
    /** Whether a received delivery carries a valid signature for `secret`. */
    signedWith(r: Received, secret: string) {
      const h = (name: string) => String(r.headers[name] ?? '');
      return verifyWebhook(
        secret,
        { id: h(WEBHOOK_HEADERS.id), timestamp: h(WEBHOOK_HEADERS.timestamp), signature: h(WEBHOOK_HEADERS.signature) },
        r.body,
      );
    },
  };
}
