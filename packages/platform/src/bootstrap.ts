import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController, type FastifyInstance } from 'fastify';
import { authenticateBeforeBody } from './auth/authenticate-early.js';
import { Authenticator } from './auth/authenticator.js';
import { ConfigError } from './config/config.schema.js';
import type { PlatformConfig } from './config/platform-config.js';
import { limitBodiesByRoute } from './http/body-limits.js';
import { installJsonParser } from './http/json-body.js';
import { requestContext } from './http/request-context.js';
import type { Logger } from 'pino';
import { PinoNestLogger, createRootLogger } from './logging/logger.js';
import { lazyRequestLogger } from './logging/request-logger.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { MetricsService } from './metrics/metrics.service.js';
import { applyRuntimeFlags } from './runtime/runtime-flags.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Distinct method, route pattern and status triples kept as histogram children (the label set is bounded by the routes anyway). */
const DURATION_CHILDREN_MAX = 4_096;

function instrument(fastify: FastifyInstance, metrics: MetricsService, logger: Logger) {
  // prom-client hashes a label object on every observe; one child per label set is looked up by a string instead.
  const durations = new Map<string, { observe(value: number): void }>();
  const durationOf = (method: string, route: string, status: number) => {
    const key = `${method} ${status} ${route}`;
    let child = durations.get(key);
    if (!child) {
      if (durations.size >= DURATION_CHILDREN_MAX) durations.clear();
      child = metrics.httpDuration.labels({ method, route, status: String(status) });
      durations.set(key, child);
    }
    return child;
  };
  // Run each request inside its own context so every log line and error carries its id.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    requestContext.run({ requestId: request.id }, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    // Label by route pattern, never by raw URL, to keep the metric's cardinality bounded.
    const route = request.routeOptions.url ?? 'unmatched';
    durationOf(request.method, route, reply.statusCode).observe(reply.elapsedTime / 1000);
    // The line is built only when it is written (LOG_LEVEL=info or lower).
    if (logger.isLevelEnabled('info')) {
      request.log.info(
        { method: request.method, route, url: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request',
      );
    }
    done();
  });
}

/**
 * Builds a service on Fastify with the platform's conventions. Used by every main.ts and by the
 * e2e tests, so tests exercise exactly what runs in production.
 */
export async function createApp(
  module: DynamicModule,
  config: PlatformConfig,
  // Off when several apps share the process: the process closes them all, in order, on a signal.
  options: { shutdownHooks?: boolean } = {},
): Promise<NestFastifyApplication> {
  const logger = createRootLogger(config.service, config.logLevel);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // One access line per request is written by the onResponse hook below, with the route pattern.
    logController: new LogController({ disableRequestLogging: true }),
    // request.log becomes a pino child only when a request logs (see LazyRequestLogger).
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: config.http.bodyLimit,
    // X-Forwarded-For is believed only from TRUSTED_PROXIES; otherwise the socket address is the client.
    trustProxy: config.http.trustedProxies.length ? config.http.trustedProxies : false,
    requestIdHeader: false,
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    // Fastify's own JSON parser (with bodyLimit) is the only one; Nest would add form parsing.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  registerSecurityHeaders(fastify);
  // Only JSON bodies are accepted (routes that stream register their own parser); anything else is a 415.
  for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
    if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
  }
  instrument(fastify, app.get(MetricsService), logger);
  // Before app.init(), which registers the routes: the hooks must see them being added.
  installJsonParser(fastify);
  limitBodiesByRoute(fastify, config.http);
  authenticateBeforeBody(fastify, app.get(Authenticator));
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  await app.init();
  return app;
}

export async function listen(app: INestApplication, config: PlatformConfig): Promise<string> {
  await app.listen(config.http.port, config.http.host);
  return app.getUrl();
}

/**
 * A service's whole `main.ts`: parse the environment, build and start the app. A configuration
 * problem is the operator's to fix, so it is printed without a stack trace and exits 1.
 */
export async function runService(
  build: (env: Record<string, string | undefined>) => { module: DynamicModule; config: PlatformConfig },
): Promise<void> {
  applyRuntimeFlags();
  try {
    const { module, config } = build(process.env);
    await listen(await createApp(module, config), config);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
