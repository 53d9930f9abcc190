import type { IncomingMessage } from 'node:http';
import { Controller, Get, Head, HttpCode, Inject, Post, Put, Req, Res } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, DomainError, ZHeaders, ZParams, type Principal, TeamResource } from '@modelyard/platform';
import { ArtifactParams, ErrorCode, ManifestResponse, UploadHeaders, UploadResponse, VerifyResponse } from '@modelyard/types';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { VersionParams } from '../params.js';
import { ArtifactsService } from './artifacts.service.js';
import { DownloadsService } from './downloads.service.js';
import { OCTET_STREAM } from './octet-stream.parser.js';

// Every route acts on one model: its team's roles decide when it has a team.
@TeamResource()
@Controller('v1/models/:name/versions/:version')
export class ArtifactsController {
  constructor(
    @Inject(ArtifactsService) private readonly artifacts: ArtifactsService,
    @Inject(DownloadsService) private readonly downloads: DownloadsService,
  ) {}

  @Get('artifacts')
  @ApiDoc({ summary: "A version's manifest: path, size, SHA-256 and type of each file", response: ManifestResponse, tags: ['artifacts'] })
  manifest(@ZParams(VersionParams) p: VersionParams) {
    return this.artifacts.manifest(p.name, p.version);
  }

  @Put('artifacts/*')
  @HttpCode(201)
  @ApiDoc({
    summary: 'Upload a file (streamed; optional X-Content-SHA256 is checked; drafts only)',
    response: UploadResponse,
    status: 201,
    requestContentType: OCTET_STREAM,
    tags: ['artifacts'],
  })
  upload(
    @ZParams(ArtifactParams) p: ArtifactParams,
    @ZHeaders(UploadHeaders) headers: UploadHeaders,
    @Req() request: FastifyRequest,
    @CurrentPrincipal() who: Principal,
  ) {
    const body = request.body as IncomingMessage | undefined;
    if (!request.headers['content-type']?.startsWith(OCTET_STREAM) || typeof body?.pipe !== 'function') {
      throw new DomainError(415, ErrorCode.unsupportedMediaType, 'Unsupported media type', `send the file as ${OCTET_STREAM}`);
    }
    return this.artifacts.upload(p, headers, body, who);
  }

  // Declared before GET so Fastify does not derive a HEAD route from GET (which would read the blob).
  @Head('artifacts/*')
  @ApiDoc({ summary: "An artifact's size, SHA-256 and ETag, without its bytes", tags: ['artifacts'] })
  async head(@ZParams(ArtifactParams) p: ArtifactParams, @Res() reply: FastifyReply) {
    return reply
      .headers(await this.downloads.head(p))
      .status(200)
      .send();
  }

  @Get('artifacts/*')
  @ApiDoc({ summary: 'Download a file (Range supported); its bytes are verified against the stored SHA-256', tags: ['artifacts'] })
  async download(@ZParams(ArtifactParams) p: ArtifactParams, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const file = await this.downloads.open(p, request.headers.range, request.headers['if-none-match']);
    return reply
      .headers(file.headers)
      .status(file.status)
      .send(file.body ?? undefined);
  }

  @Post('verify')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Re-hash every stored file of a version; flags the version if one fails',
    response: VerifyResponse,
    tags: ['artifacts'],
  })
  verify(@ZParams(VersionParams) p: VersionParams) {
    return this.downloads.verify(p.name, p.version);
  }
}
