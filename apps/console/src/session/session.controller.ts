import { Controller, Delete, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiDoc, AuthFailureLimiter, Public, ZBody } from '@modelyard/platform';
import { ConsoleSessionResponse, SignInBody } from '@modelyard/types';
import type { FastifyReply } from 'fastify';
import { clearSessionCookie, setSessionCookie } from './cookies.js';
import { CredentialCheck } from './credential-check.js';
import { SessionGuard, assertSameSite, type SessionRequest } from './session.guard.js';
import { SessionStore, type Session } from './session.store.js';

const toResponse = (session: Session): ConsoleSessionResponse => ({
  who: session.who,
  csrfToken: session.csrfToken,
  endsAt: new Date(session.endsAt).toISOString(),
});

/**
 * Sign-in, the current session, sign-out. Public to the platform (no bearer token comes from a
 * browser): the session cookie is this app's credential, checked by SessionGuard.
 */
@Controller('session')
@Public()
export class SessionController {
  constructor(
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(CredentialCheck) private readonly credentials: CredentialCheck,
    @Inject(AuthFailureLimiter) private readonly failures: AuthFailureLimiter,
  ) {}

  /** Checks the credential with the registry; failed attempts count towards the address's lockout. */
  @Post()
  @HttpCode(201)
  @ApiDoc({
    summary: 'Sign in with an API key or JWT (sets the session cookie)',
    response: ConsoleSessionResponse,
    status: 201,
    tags: ['console'],
  })
  async signIn(@ZBody(SignInBody) body: SignInBody, @Req() request: SessionRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    assertSameSite(request);
    const who = await this.failures.attempt(request.ip, () => this.credentials.whoIs(body.credential, request.id));
    const { id, session } = await this.sessions.create(body.credential, who);
    setSessionCookie(request, reply, id);
    return toResponse(session);
  }

  @Get()
  @UseGuards(SessionGuard)
  @ApiDoc({ summary: 'The signed-in session and its CSRF token', response: ConsoleSessionResponse, tags: ['console'] })
  current(@Req() request: SessionRequest) {
    return toResponse(request.session!);
  }

  @Delete()
  @HttpCode(204)
  @UseGuards(SessionGuard)
  @ApiDoc({ summary: 'Sign out (needs X-CSRF-Token)', status: 204, tags: ['console'] })
  async signOut(@Req() request: SessionRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.sessions.destroy(request.sessionId ?? null);
    clearSessionCookie(request, reply);
  }
}
