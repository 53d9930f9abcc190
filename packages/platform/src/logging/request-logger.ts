import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, LevelWithSilentOrString, LogFn, Logger } from 'pino';

/** The services' root logger is pino's (createRootLogger), given to Fastify as its loggerInstance. */
type Root = Logger;

/**
 * Fastify's `request.log`, made into a real pino child only when something logs through it.
 *
 * Fastify gives every request `logger.child({ reqId })`. With redaction configured, pino builds a
 * child's bindings through the redactor, about 2.3 KB of garbage and a few µs per request; at the
 * services' usual `warn` level almost no request ever logs, so that work was thrown away. The
 * methods live on the prototype, so a request costs one small object; the first call makes the
 * child with the same bindings and options, and every line then carries the request id as before.
 */
export class LazyRequestLogger implements FastifyBaseLogger {
  private made?: Root;

  constructor(
    private readonly root: Root,
    private readonly bindingsGiven: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get real(): Root {
    return (this.made ??= this.root.child(this.bindingsGiven, this.options));
  }

  get level(): LevelWithSilentOrString {
    return this.made?.level ?? this.options.level ?? this.root.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.real.level = level;
  }

  isLevelEnabled(level: LevelWithSilentOrString): boolean {
    // A route's own log level makes a child that differs from the root: ask the child then.
    return this.made || this.options.level ? this.real.isLevelEnabled(level) : this.root.isLevelEnabled(level);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real.child(bindings, options);
  }

  // On the prototype (below), not per instance: a request must not allocate a closure per level.
  declare fatal: LogFn;
  declare error: LogFn;
  declare warn: LogFn;
  declare info: LogFn;
  declare debug: LogFn;
  declare trace: LogFn;
  declare silent: LogFn;
}

for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const satisfies readonly (Level | 'silent')[]) {
  LazyRequestLogger.prototype[level] = function (this: LazyRequestLogger, ...args: unknown[]) {
    const real = (this as unknown as { real: Root }).real;
    (real[level] as (...a: unknown[]) => void)(...args);
  } as LogFn;
}

/** Fastify's `childLoggerFactory` option: a LazyRequestLogger per request. */
export function lazyRequestLogger(
  this: FastifyInstance,
  root: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyRequestLogger(root as Root, bindings, options);
}
