import { Controller, Delete, Get, Inject, Logger, Patch, Post, Put, Req, Res, UseGuards } from '@nestjs/common';
import { ApiDoc, Public } from '@modelyard/platform';
import type { FastifyReply } from 'fastify';
import { CONSOLE_SETTINGS } from '../console.tokens.js';
import type { ConsoleSettings } from '../config.js';
import { SessionGuard, type SessionRequest } from '../session/session.guard.js';
import { SessionStore } from '../session/session.store.js';
import { forward } from './forward.js';

const API_PATH = /^\/api\/([^/?#]+)(.*)$/s;

/**
 * `/api/<service>/…` → that service, with the session's credential: the browser talks to one
 * origin and never holds a token. Only the services in the configuration can be reached.
 */
@Controller('api')
@Public()
@UseGuards(SessionGuard)
export class ProxyController {
  private readonly logger = new Logger(ProxyController.name);

  constructor(
    @Inject(CONSOLE_SETTINGS) private readonly settings: ConsoleSettings,
    @Inject(SessionStore) private readonly sessions: SessionStore,
  ) {}

  // One route per method (not @All): the OpenAPI document names real HTTP methods only.
  @Get(':service/*')
  @ApiDoc({ summary: 'Forward a read to a service with the session credential', tags: ['console'] })
  get(@Req() request: SessionRequest, @Res() reply: FastifyReply) {
    return this.forward(request, reply);
  }

  @Post(':service/*')
  @ApiDoc({ summary: 'Forward a change to a service (needs X-CSRF-Token)', status: 200, tags: ['console'] })
  post(@Req() request: SessionRequest, @Res() reply: FastifyReply) {
    return this.forward(request, reply);
  }

  @Put(':service/*')
  @ApiDoc({ summary: 'Forward a change to a service (needs X-CSRF-Token)', tags: ['console'] })
  put(@Req() request: SessionRequest, @Res() reply: FastifyReply) {
    return this.forward(request, reply);
  }

  @Patch(':service/*')
  @ApiDoc({ summary: 'Forward a change to a service (needs X-CSRF-Token)', tags: ['console'] })
  patch(@Req() request: SessionRequest, @Res() reply: FastifyReply) {
    return this.forward(request, reply);
  }

  @Delete(':service/*')
  @ApiDoc({ summary: 'Forward a change to a service (needs X-CSRF-Token)', tags: ['console'] })
  delete(@Req() request: SessionRequest, @Res() reply: FastifyReply) {
    return this.forward(request, reply);
  }

  private async forward(request: SessionRequest, reply: FastifyReply) {
    const [, service = '', rest = '/'] = API_PATH.exec(request.url) ?? [];
    // The response closing before it was finished means the browser left: stop the call upstream.
    const gone = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) gone.abort();
    });
    const upstream = await forward(this.settings, {
      service,
      rest,
      method: request.method,
      headers: request.headers,
      body: request.body,
      credential: request.session!.credential,
      requestId: request.id,
      signal: gone.signal,
    });
    // The credential was revoked or has expired: the session is of no further use.
    if (upstream.status === 401) await this.sessions.destroy(request.sessionId ?? null);
    upstream.body.on('error', (err) => {
      this.logger.warn(`${service} broke off its answer: ${err.message}`);
      reply.raw.destroy(err);
    });
    return reply.status(upstream.status).headers(upstream.headers).send(upstream.body);
  }
}
