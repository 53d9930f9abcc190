import type { IncomingMessage } from 'node:http';
import { Controller, Delete, Get, HttpCode, Inject, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, DomainError, IngestionBody, ZBody, ZParams, ZQuery, type Principal } from '@modelyard/platform';
import {
  ArtifactPath,
  ErrorCode,
  LogBatchBody,
  MetricHistoryPage,
  MetricHistoryQuery,
  RunArtifactList,
  RunArtifactResponse,
  RunId,
  RunPage,
  RunResponse,
  SearchRunsBody,
  TrackingKey,
  UpdateRunBody,
} from '@modelyard/types';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OCTET_STREAM } from '../artifacts/octet-stream.parser.js';
import { RunArtifactsService } from './run-artifacts.service.js';
import { toPoint, toRunFileResponse, toRunResponse } from './tracking.mapper.js';
import { TrackingService } from './tracking.service.js';

const RunParams = z.strictObject({ runId: RunId });
type RunParams = z.infer<typeof RunParams>;
const MetricParams = z.strictObject({ runId: RunId, key: TrackingKey });
type MetricParams = z.infer<typeof MetricParams>;
const FileParams = z.preprocess(
  (raw) => {
    if (typeof raw !== 'object' || raw === null) return raw;
    const { '*': path, ...rest } = raw as Record<string, unknown>;
    return { ...rest, path };
  },
  z.strictObject({ runId: RunId, path: ArtifactPath }),
);
type FileParams = z.infer<typeof FileParams>;

@Controller('v1/runs')
export class RunsController {
  constructor(
    @Inject(TrackingService) private readonly tracking: TrackingService,
    @Inject(RunArtifactsService) private readonly files: RunArtifactsService,
  ) {}

  @Post('search')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Search runs with a filter (metrics, params, tags, attributes), ordered, paginated',
    response: RunPage,
    tags: ['tracking'],
  })
  async search(@ZBody(SearchRunsBody) body: SearchRunsBody) {
    const { runs, next } = await this.tracking.search({
      projectIds: body.projectIds ?? ['0'],
      filter: body.filter,
      orderBy: body.orderBy,
      view: body.includeDeleted ? 'all' : 'active',
      limit: body.limit,
      cursor: body.cursor,
      fields: { filter: 'filter', orderBy: 'orderBy', cursor: 'cursor' },
    });
    return { items: runs.map(toRunResponse), nextCursor: next };
  }

  @Get(':runId')
  @ApiDoc({ summary: 'A run with its params, tags and latest metrics', response: RunResponse, tags: ['tracking'] })
  async get(@ZParams(RunParams) p: RunParams) {
    return toRunResponse(await this.tracking.getRun(p.runId));
  }

  @Patch(':runId')
  @ApiDoc({ summary: "Change a run's status, end time or name", response: RunResponse, tags: ['tracking'] })
  async update(@ZParams(RunParams) p: RunParams, @ZBody(UpdateRunBody) body: UpdateRunBody) {
    return toRunResponse(await this.tracking.updateRun(p.runId, body));
  }

  @Delete(':runId')
  @HttpCode(204)
  @ApiDoc({ summary: 'Delete a run (restorable through the MLflow API)', status: 204, tags: ['tracking'] })
  async remove(@ZParams(RunParams) p: RunParams, @CurrentPrincipal() who: Principal) {
    await this.tracking.deleteRun(p.runId, who.id);
  }

  @Post(':runId/log-batch')
  @HttpCode(204)
  @IngestionBody()
  @ApiDoc({
    summary: 'Log up to 1,000 metric points, 100 params and 100 tags at once (params are immutable)',
    status: 204,
    tags: ['tracking'],
  })
  async logBatch(@ZParams(RunParams) p: RunParams, @ZBody(LogBatchBody) body: LogBatchBody) {
    await this.tracking.logBatch(p.runId, body);
  }

  @Get(':runId/metrics/:key')
  @ApiDoc({ summary: "A metric's history in step order, one page", response: MetricHistoryPage, tags: ['tracking'] })
  async history(@ZParams(MetricParams) p: MetricParams, @ZQuery(MetricHistoryQuery) query: MetricHistoryQuery) {
    const page = await this.tracking.history(p.runId, p.key, query.limit, query.cursor);
    return { items: page.items.map(toPoint), nextCursor: page.next };
  }

  @Get(':runId/artifacts')
  @ApiDoc({ summary: "A run's files", response: RunArtifactList, tags: ['tracking'] })
  async listFiles(@ZParams(RunParams) p: RunParams) {
    return { items: (await this.files.list(p.runId)).map(toRunFileResponse) };
  }

  @Put(':runId/artifacts/*')
  @ApiDoc({
    summary: 'Upload a run file (streamed, content-addressed)',
    response: RunArtifactResponse,
    status: 201,
    requestContentType: OCTET_STREAM,
    tags: ['tracking'],
  })
  @HttpCode(201)
  async upload(@ZParams(FileParams) p: FileParams, @Req() request: FastifyRequest, @CurrentPrincipal() who: Principal) {
    const body = request.body as IncomingMessage | undefined;
    if (!request.headers['content-type']?.startsWith(OCTET_STREAM) || typeof body?.pipe !== 'function') {
      throw new DomainError(415, ErrorCode.unsupportedMediaType, 'Unsupported media type', `send the file as ${OCTET_STREAM}`);
    }
    return toRunFileResponse(await this.files.upload(p.runId, p.path, body, who.id));
  }

  @Get(':runId/artifacts/*')
  @ApiDoc({ summary: 'Download a run file, verified against its SHA-256', tags: ['tracking'] })
  async download(@ZParams(FileParams) p: FileParams, @Res() reply: FastifyReply) {
    const { file, body } = await this.files.open(p.runId, p.path);
    return reply
      .headers({ 'content-type': OCTET_STREAM, 'content-length': String(file.size), etag: `"${file.sha256}"` })
      .status(200)
      .send(body);
  }
}
