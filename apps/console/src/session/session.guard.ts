import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { DomainError, Unauthenticated } from '@modelyard/platform';
import { CSRF_HEADER, ErrorCode } from '@modelyard/types';
import type { FastifyRequest } from 'fastify';
import { cookieName, isHttps, readCookie } from './cookies.js';
import { SessionStore, type Session } from './session.store.js';

export type SessionRequest = FastifyRequest & { session?: Session; sessionId?: string };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class CsrfRejected extends DomainError {
  constructor(detail: string) {
    super(403, ErrorCode.csrfRejected, 'Forbidden', detail);
  }
}

/**
 * Refuses a state-changing request another site could have made: one the browser marks as
 * cross-site (Sec-Fetch-Site), or whose Origin is not this console's. Applies before sign-in too.
 */
export function assertSameSite(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  if (request.headers['sec-fetch-site'] === 'cross-site') throw new CsrfRejected('cross-site requests are refused');
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== `${isHttps(request) ? 'https' : 'http'}://${request.host}`) {
    throw new CsrfRejected(`requests from ${origin} are refused`);
  }
}

/**
 * The routes behind sign-in: the request must carry a live session's cookie (401 otherwise), and a
 * state-changing one the session's CSRF token in X-CSRF-Token (synchronizer token; 403 otherwise).
 * The session is put on the request for the handler.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(@Inject(SessionStore) private readonly sessions: SessionStore) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<SessionRequest>();
    const id = readCookie(request, cookieName(isHttps(request)));
    const session = await this.sessions.touch(id);
    if (!session) throw new Unauthenticated('sign in first (no session, or it has ended)');
    assertSameSite(request);
    if (!SAFE_METHODS.has(request.method) && !SessionStore.csrfMatches(session, request.headers[CSRF_HEADER])) {
      throw new CsrfRejected(`a state-changing call needs the session's token in ${CSRF_HEADER}`);
    }
    request.session = session;
    request.sessionId = id!;
    return true;
  }
}
