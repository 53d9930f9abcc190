import { createHash } from 'node:crypto';
import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { ErrorCode } from '@modelyard/types';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { Principal } from '../auth/principal.js';
import { DomainError, ValidationFailed } from '../errors/domain-errors.js';
import { RedisService } from '../redis/redis.service.js';

const HEADER = 'idempotency-key';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** How long a result is replayed; a client retrying after a day is making a new request. */
const TTL_SECONDS = 24 * 3600;
/** A claim left by a crashed request expires, so the key does not stay blocked. */
const PENDING_TTL_SECONDS = 120;

interface Stored {
  state: 'pending' | 'done';
  fingerprint: string;
  status?: number;
  body?: unknown;
}

export const IDEMPOTENT = 'modelyard:idempotent';

/**
 * Honours `Idempotency-Key`: the first request with a key runs and its response is kept; a retry
 * with the same key and body gets the same response (`Idempotent-Replayed: true`) without running
 * again, so a retried creation or ingestion batch takes effect once. Same key, other body: 422.
 * A retry while the first is still running: 409. Failed requests release the key.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(RedisService) private readonly redis: RedisService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const given = request.headers[HEADER];
    if (given === undefined) return next.handle();
    if (typeof given !== 'string' || !KEY_PATTERN.test(given)) {
      throw new ValidationFailed([{ field: 'Idempotency-Key', in: 'headers', message: '1 to 255 visible ASCII characters' }]);
    }
    const scope = `${request.principal?.id ?? request.ip}:${request.method}:${request.routeOptions.url}:${request.url}`;
    const key = `idem:${createHash('sha256').update(`${scope}\n${given}`).digest('hex')}`;
    const fingerprint = createHash('sha256')
      .update(JSON.stringify(request.body ?? null))
      .digest('hex');
    return from(this.run(key, fingerprint, reply, next));
  }

  private async run(key: string, fingerprint: string, reply: FastifyReply, next: CallHandler<unknown>): Promise<unknown> {
    const claim: Stored = { state: 'pending', fingerprint };
    const claimed = await this.redis.client.set(key, JSON.stringify(claim), 'EX', PENDING_TTL_SECONDS, 'NX');
    if (!claimed) return this.replay(key, fingerprint, reply);
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      const done: Stored = { state: 'done', fingerprint, status: reply.statusCode, body };
      await this.redis.client.set(key, JSON.stringify(done), 'EX', TTL_SECONDS);
      return body;
    } catch (err) {
      await this.redis.client.del(key);
      throw err;
    }
  }

  private async replay(key: string, fingerprint: string, reply: FastifyReply): Promise<unknown> {
    const raw = await this.redis.client.get(key);
    const stored = raw ? (JSON.parse(raw) as Stored) : null;
    if (stored && stored.fingerprint !== fingerprint) {
      throw new DomainError(
        422,
        ErrorCode.validation,
        'Idempotency key reused',
        'this Idempotency-Key was used with a different request body',
      );
    }
    if (!stored || stored.state === 'pending') {
      throw new DomainError(
        409,
        ErrorCode.conflict,
        'Request in progress',
        'a request with this Idempotency-Key is still being processed; retry shortly',
        {},
        {
          'retry-after': '1',
        },
      );
    }
    void reply.status(stored.status ?? 200).header('idempotent-replayed', 'true');
    return stored.body;
  }
}

/** Marks a creation or ingestion route as honouring `Idempotency-Key`. */
export const Idempotent = () => applyDecorators(SetMetadata(IDEMPOTENT, true), UseInterceptors(IdempotencyInterceptor));
