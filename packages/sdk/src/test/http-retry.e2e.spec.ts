import { createServer, type Server } from 'node:net';
import { startTestApp, tokenFor, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '@modelyard/registry/testing';
import {
  ConflictError,
  HttpClient,
  Modelyard,
  NetworkError,
  RateLimitedError,
  RegistryClient,
  TimeoutError,
  UnavailableError,
  type ModelyardError,
} from '../index.js';
import { startFaultProxy, type FaultProxy } from '../testing/index.js';

let registry: TestApp;
let proxy: FaultProxy;
let my: Modelyard;
const fast = { baseDelayMs: 10, maxDelayMs: 2_000 };

beforeAll(async () => {
  registry = await startTestApp(buildRegistry);
  proxy = await startFaultProxy(registry.url);
  my = new Modelyard({ urls: { registry: proxy.url }, token: tokenFor('admin'), retry: fast });
});
afterAll(async () => {
  await proxy.close();
  await registry.close();
});

const caught = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: ModelyardError) => err,
  );
const attempts = (method: string, path: string) => proxy.log.filter((r) => r.method === method && r.path === path);

describe('retries', () => {
  it('retries a GET on 503 and on a dropped connection, waiting as Retry-After says', async () => {
    await my.registry.models.create({ name: 'retry-get' });
    proxy.inject(
      [{ status: 503, headers: { 'retry-after': '0' } }, 'drop-before', { status: 503 }],
      (m, p) => m === 'GET' && p === '/v1/models/retry-get',
    );
    expect((await my.registry.models.get('retry-get')).name).toBe('retry-get');
    expect(attempts('GET', '/v1/models/retry-get')).toHaveLength(4);
  });

  it('gives up after maxAttempts with the last typed error', async () => {
    const three = new Modelyard({ urls: { registry: proxy.url }, token: tokenFor('admin'), retry: { ...fast, maxAttempts: 3 } });
    proxy.inject(
      Array.from({ length: 3 }, () => ({
        status: 503,
        headers: { 'retry-after': '0' },
        body: { type: 'x', title: 'Busy', status: 503, code: 'maintenance_mode' },
      })),
      (_m, p) => p === '/v1/models/retry-get',
    );
    const err = await caught(three.registry.models.get('retry-get'));
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.code).toBe('maintenance_mode');
    expect(attempts('GET', '/v1/models/retry-get')).toHaveLength(7);
  });

  it('never repeats a POST without Idempotency-Key after the connection broke (it may have worked)', async () => {
    const before = attempts('POST', '/v1/models').length;
    proxy.inject(['drop-after'], (m, p) => m === 'POST' && p === '/v1/models');
    const err = await caught(my.registry.models.create({ name: 'once-only' }, { idempotencyKey: null }));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ status: 0, code: 'network_error' });
    const sent = attempts('POST', '/v1/models').slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.idempotencyKey).toBeUndefined();
    // It did work: which is why it was not sent again.
    expect((await my.registry.models.get('once-only')).name).toBe('once-only');
  });

  it('repeats a POST that carries an Idempotency-Key with the same key; the model exists once', async () => {
    proxy.inject(['drop-after', { status: 503, headers: { 'retry-after': '0' } }], (m, p) => m === 'POST' && p === '/v1/models');
    const model = await my.registry.models.create({ name: 'keyed' }, { idempotencyKey: 'create-keyed-1' });
    expect(model.name).toBe('keyed');
    const keyed = attempts('POST', '/v1/models').filter((r) => r.idempotencyKey === 'create-keyed-1');
    expect(keyed).toHaveLength(3);
    // Without the replay the third attempt would have been a 409 already_exists.
    const again = await caught(my.registry.models.create({ name: 'keyed' }));
    expect(again).toBeInstanceOf(ConflictError);
  });

  it('gives every creation its own key by default, so a lost answer is retried safely', async () => {
    const before = attempts('POST', '/v1/models/keyed/versions').length;
    proxy.inject(['drop-after'], (m, p) => m === 'POST' && p === '/v1/models/keyed/versions');
    const version = await my.registry.versions.create('keyed', {});
    expect(version.version).toBe('1.0.0');
    const sent = attempts('POST', '/v1/models/keyed/versions').slice(before);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.idempotencyKey).toEqual(expect.any(String));
    expect(sent[1]!.idempotencyKey).toBe(sent[0]!.idempotencyKey);
    // One version, not two: the replay returned the first answer.
    expect((await my.registry.versions.list('keyed')).items.map((v) => v.version)).toEqual(['1.0.0']);
  });

  it('times out each attempt, retrying idempotent calls only', async () => {
    const impatient = new Modelyard({
      urls: { registry: proxy.url },
      token: tokenFor('admin'),
      timeoutMs: 200,
      retry: { ...fast, maxAttempts: 2 },
    });
    proxy.inject([{ delayMs: 1_000 }], (m, p) => m === 'GET' && p === '/v1/models/retry-get');
    expect((await impatient.registry.models.get('retry-get')).name).toBe('retry-get');
    proxy.inject([{ delayMs: 1_000 }, { delayMs: 1_000 }], (m, p) => m === 'GET' && p === '/v1/models/retry-get');
    const err = await caught(impatient.registry.models.get('retry-get'));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.code).toBe('timeout');
  });

  it('reports an unreachable service as a network error', async () => {
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const nobody = new Modelyard({ urls: { registry: `http://127.0.0.1:${port}` }, retry: { ...fast, maxAttempts: 2 } });
    const err = await caught(nobody.registry.models.list());
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.detail).toMatch(/ECONNREFUSED/);
  });

  it('asks the authorization provider again for every attempt', async () => {
    let calls = 0;
    const registryClient = new RegistryClient(
      new HttpClient({ baseUrl: proxy.url, authorization: () => `Bearer ${tokenFor('viewer', `svc-${++calls}`)}`, retry: fast }),
    );
    proxy.inject([{ status: 503 }], (_m, p) => p === '/v1/models/retry-get');
    await registryClient.models.get('retry-get');
    expect(calls).toBe(2);
  });
});

describe('rate limits of a real service', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp(buildRegistry, { RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW_SECONDS: '1' });
  });
  afterAll(() => limited.close());

  it('waits out 429 as Retry-After says, and fails fast when the wait is longer than it accepts', async () => {
    const patient = new Modelyard({ urls: { registry: limited.url }, token: tokenFor('viewer', 'patient') });
    const started = Date.now();
    for (let i = 0; i < 5; i++) expect((await patient.registry.models.list()).items).toEqual([]);
    // Five calls with a budget of two per one-second window: at least one window had to pass.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    const hasty = new Modelyard({ urls: { registry: limited.url }, token: tokenFor('viewer', 'hasty'), retry: { maxDelayMs: 100 } });
    // The third call in one window is refused (a fourth covers a window boundary between calls).
    let err: ModelyardError | undefined;
    for (let i = 0; i < 4 && !err; i++)
      err = await hasty.registry.models.list().then(
        () => undefined,
        (e: ModelyardError) => e,
      );
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toMatchObject({ status: 429, code: 'rate_limited', retryAfterMs: 1_000 });
  });
});
