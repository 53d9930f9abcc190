import { Controller, Get, Inject, NotFoundException, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiDoc, Public, SkipRateLimit } from '@modelyard/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONSOLE_SETTINGS } from '../console.tokens.js';
import type { ConsoleSettings } from '../config.js';
import { loadWebFiles, type WebFile } from './web-files.js';

const RELOAD_INTERVAL_MS = 1_000;

/**
 * Serves the single-page app. A path naming a built file gets it; any other path without a file
 * extension is one of the app's pages (`/models/churn`), answered with index.html so a shared URL
 * opens that page; anything else is a 404.
 */
@Controller()
@Public()
@SkipRateLimit()
export class WebController {
  private files: Map<string, WebFile>;
  private lastLoad = Date.now();

  constructor(@Inject(CONSOLE_SETTINGS) private readonly settings: ConsoleSettings) {
    this.files = loadWebFiles(settings.webDir);
  }

  @Get()
  @ApiDoc({ summary: 'The web app', tags: ['console'] })
  index(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.send(request, reply, '/index.html');
  }

  @Get('*')
  @ApiDoc({ summary: "The web app's files, and its pages (index.html)", tags: ['console'] })
  file(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const path = request.url.split('?')[0]!;
    if (this.filesNow().has(path)) return this.send(request, reply, path);
    const last = path.slice(path.lastIndexOf('/') + 1);
    if (last.includes('.') || path.startsWith('/api/')) throw new NotFoundException(`no file ${path}`);
    return this.send(request, reply, '/index.html');
  }

  /**
   * A console started before its web app was built (a build still running beside it) reads the
   * files again once they are there: at most once a second, and never once found.
   */
  private filesNow(): Map<string, WebFile> {
    if (this.files.size > 0 || Date.now() - this.lastLoad < RELOAD_INTERVAL_MS) return this.files;
    this.lastLoad = Date.now();
    this.files = loadWebFiles(this.settings.webDir);
    return this.files;
  }

  private send(request: FastifyRequest, reply: FastifyReply, path: string) {
    const file = this.filesNow().get(path);
    if (!file) throw new ServiceUnavailableException('the console web app is not built (run the build)');
    void reply.header('etag', file.etag).header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
    return reply.type(file.type).send(file.body);
  }
}
