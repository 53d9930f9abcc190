import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Inject, Logger, Param, Res } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/principal.js';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { NotFound } from '../errors/domain-errors.js';
import { buildOpenApi, type ControllerInfo } from './openapi.builder.js';

const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
// Served from the package, not a CDN, so /docs works in air-gapped clusters. A Map: the file name
// comes from the URL, and a plain object would "find" constructor, toString or __proto__.
const ASSETS = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'application/javascript; charset=utf-8'],
]);

const PAGE = (title: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body></html>`;

// A served file, not an inline <script>, so the Content-Security-Policy allows no inline script.
// No validator: it would load a badge from the internet.
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json', dom_id: '#ui', persistAuthorization: true, validatorUrl: null,
});
`;

@Controller()
@Public()
export class OpenApiController {
  private readonly logger = new Logger(OpenApiController.name);
  private document?: object;

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  @Get('openapi.json')
  openapi() {
    this.document ??= buildOpenApi(
      this.config.service,
      '1.0.0',
      this.discovery
        .getControllers()
        .filter((w) => w.instance && w.metatype)
        .map((w) => ({ instance: w.instance as object, metatype: w.metatype as ControllerInfo['metatype'] })),
    );
    return this.document;
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  docs() {
    return PAGE(`Modelyard ${this.config.service} API`);
  }

  // A static route: Fastify matches it before the parametric one below.
  @Get('docs/assets/init.js')
  @Header('content-type', 'application/javascript; charset=utf-8')
  @Header('cache-control', 'public, max-age=86400')
  init() {
    return INIT_SCRIPT;
  }

  @Get('docs/assets/:file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply) {
    const type = ASSETS.get(file);
    if (!type) throw new NotFound('asset', file);
    const stream = createReadStream(join(SWAGGER_DIR, file));
    // Fastify answers a stream that fails before its first byte with a 500 and cuts one that fails
    // later; this listener makes sure a read error is logged and never left unhandled.
    stream.on('error', (err) => this.logger.error(`cannot serve ${file}: ${err.message}`));
    return reply.header('content-type', type).header('cache-control', 'public, max-age=86400').send(stream);
  }
}
