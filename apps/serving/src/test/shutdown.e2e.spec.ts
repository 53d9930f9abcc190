import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { treeEnsembleClassifierOnnx } from '@modelyard/learners/testing';
import { TEST_JWT_SECRET, tokenFor } from '@modelyard/platform/testing';
import { KIT_SCHEMA, eventually, productionVersion, uniqueName, untilServing } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let h: Harness;
const model = uniqueName('drain');
let version: string;
beforeAll(async () => {
  h = await startHarness();
  version = await productionVersion(h.registry, model, {
    bytes: treeEnsembleClassifierOnnx(),
    inputSchema: KIT_SCHEMA,
  });
  await untilServing(h.serving, model, version);
});
afterAll(() => h.close());

const BIG = { instances: Array.from({ length: 10_000 }, (_, i) => [i % 7, i % 3]) };

/** A predict call whose body is sent in two parts: the server has it in flight until `finish`. */
function slowPredict(url: string, body: unknown) {
  const payload = Buffer.from(JSON.stringify(body));
  const req = httpRequest(`${url}/v1/models/${model}/predict`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${tokenFor('viewer')}`,
      'content-type': 'application/json',
      'content-length': payload.length,
    },
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
  });
  req.write(payload.subarray(0, 16));
  return { response, finish: () => req.end(payload.subarray(16)) };
}

describe('graceful shutdown', () => {
  it('turns readiness false, keeps serving during the delay, answers the requests in flight, then closes', async () => {
    const app = await h.startServing({ SERVING_SHUTDOWN_DELAY_SECONDS: '0.6' });
    await untilServing(app, model, version);
    // A slow client: headers and the first bytes now, the rest of the body after the delay.
    const slow = slowPredict(app.url, BIG);
    await new Promise((r) => setTimeout(r, 200));
    const closing = app.app.close().then(() => Date.now());

    const ready = await eventually(async () => {
      const res = await app.request('GET', '/health/ready', { as: null });
      return res.status === 503 ? res.body : undefined;
    });
    expect(ready.value.error.models.message).toContain('shutting down');
    expect(await app.request('GET', '/v2/health/ready', { as: null })).toMatchObject({
      status: 400,
      body: { error: 'shutting down' },
    });
    // Not ready, but still answering while load balancers catch up.
    expect((await app.request('POST', `/v1/models/${model}/predict`, { body: BIG })).status).toBe(200);

    await new Promise((r) => setTimeout(r, 1_000));
    slow.finish();
    const answer = await slow.response;
    const answeredAt = Date.now();
    expect(answer.status).toBe(200);
    expect(answer.body.predictions).toHaveLength(10_000);
    expect(await closing).toBeGreaterThanOrEqual(answeredAt - 5);
  });

  it('on SIGTERM, answers every request already sent, then exits', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = s.address() as { port: number };
        s.close(() => resolve(p));
      });
    });
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: APP_DIR,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: h.registry.databaseUrl,
        REDIS_PREFIX: h.registry.redisPrefix,
        REGISTRY_URL: h.registry.url,
        SERVING_CACHE_DIR: h.cacheDir,
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: 'info',
        NODE_ENV: 'test',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const url = `http://127.0.0.1:${port}`;
    await eventually(
      async () =>
        (await fetch(`${url}/health/ready`).then(
          (r) => r.ok,
          () => false,
        ))
          ? true
          : undefined,
      30_000,
      100,
    );

    const headers = { authorization: `Bearer ${tokenFor('viewer')}`, 'content-type': 'application/json' };
    const calls = Array.from({ length: 6 }, () =>
      fetch(`${url}/v1/models/${model}/predict`, { method: 'POST', headers, body: JSON.stringify(BIG) }).then(
        async (r) => ({ status: r.status, n: ((await r.json()) as { predictions?: unknown[] }).predictions?.length }),
        (err: Error) => ({ status: 0, n: 0, err: err.message }),
      ),
    );
    await new Promise((r) => setTimeout(r, 30));
    child.kill('SIGTERM');
    const results = await Promise.all(calls);
    const exit = await exited;
    expect(results).toEqual(Array(6).fill({ status: 200, n: 10_000 }));
    // Nest closes the app, then re-raises the signal so the exit status says why.
    expect(exit.signal === 'SIGTERM' || exit.code === 0).toBe(true);
    expect(output).toContain('shutting down on SIGTERM');
  });
});
