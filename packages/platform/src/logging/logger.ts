import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import { currentRequestId } from '../http/request-context.js';

/**
 * Paths that may hold credentials. pino replaces them before a line is written, so a secret
 * cannot reach the logs even when an object carrying one is logged by mistake.
 */
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.apiKey',
  '*.key',
  'key',
  'secret',
  'token',
];

export function createRootLogger(service: string, level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    destination,
  );
}

/** Nest's logger interface on top of pino, so framework and application lines share one format. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, rest: unknown[]) {
    const context = typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const logger = context ? this.root.child({ context }) : this.root;
    if (message instanceof Error) logger[level]({ err: message }, message.message);
    else if (typeof message === 'object' && message !== null) logger[level](message as object);
    else logger[level](String(message));
    // Nest passes a stack trace as the second argument of error().
    if (level === 'error' && typeof rest[0] === 'string' && rest[0].includes('\n    at ')) {
      logger.debug({ stack: rest[0] }, 'stack');
    }
  }

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
}
