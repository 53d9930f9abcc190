import { Writable } from 'node:stream';
import fastify from 'fastify';
import { createRootLogger } from './logger.js';
import { LazyRequestLogger, lazyRequestLogger } from './request-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, root: createRootLogger('test', level, sink) };
}

const flushed = () => new Promise((r) => setImmediate(r));

describe('the lazy request logger', () => {
  it('writes what the root would, with the request bindings, and nothing below the level', async () => {
    const { lines, root } = capture('warn');
    const log = new LazyRequestLogger(root, { reqId: 'r-1' }, {});
    log.info('not written at warn');
    log.warn({ model: 'churn' }, 'written');
    log.error(new Error('boom'));
    await flushed();
    expect(lines.map((l) => [l.msg, l.reqId, l.service])).toEqual([
      ['written', 'r-1', 'test'],
      ['boom', 'r-1', 'test'],
    ]);
    expect(lines[0]!.model).toBe('churn');
  });

  it('keeps the root redaction', async () => {
    const { lines, root } = capture('info');
    new LazyRequestLogger(root, { reqId: 'r-2' }, {}).info({ token: 't0k3n', body: { secret: 's3cr3t' } }, 'in');
    await flushed();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ token: '[redacted]', body: { secret: '[redacted]' }, reqId: 'r-2' });
  });

  it("answers level questions as the root does, or as the route's own level says", async () => {
    const { lines, root } = capture('warn');
    const plain = new LazyRequestLogger(root, { reqId: 'r-3' }, {});
    expect([plain.level, plain.isLevelEnabled('info'), plain.isLevelEnabled('error')]).toEqual(['warn', false, true]);
    const verbose = new LazyRequestLogger(root, { reqId: 'r-4' }, { level: 'debug' });
    expect([verbose.level, verbose.isLevelEnabled('debug')]).toEqual(['debug', true]);
    verbose.debug('route debug line');
    await flushed();
    expect(lines.map((l) => [l.msg, l.reqId])).toEqual([['route debug line', 'r-4']]);
  });

  it('gives children that carry both bindings', async () => {
    const { lines, root } = capture('info');
    new LazyRequestLogger(root, { reqId: 'r-5' }, {}).child({ step: 'load' }).info('child line');
    await flushed();
    expect(lines[0]).toMatchObject({ msg: 'child line', reqId: 'r-5', step: 'load' });
  });

  it("is Fastify's request.log, and a route's lines carry the request id", async () => {
    const { lines, root } = capture('info');
    const app = fastify({ loggerInstance: root, childLoggerFactory: lazyRequestLogger, disableRequestLogging: true });
    app.get('/hello', (request) => {
      request.log.info({ at: 'handler' }, 'hello');
      return { lazy: request.log instanceof LazyRequestLogger };
    });
    try {
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      const res = await fetch(`${address}/hello`);
      expect(await res.json()).toEqual({ lazy: true });
      await flushed();
      const line = lines.find((l) => l.msg === 'hello');
      expect(line).toMatchObject({ at: 'handler', service: 'test' });
      expect(typeof line!.reqId).toBe('string');
    } finally {
      await app.close();
    }
  });
});
