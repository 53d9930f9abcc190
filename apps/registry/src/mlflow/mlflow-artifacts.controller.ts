import type { IncomingMessage } from 'node:http';
import { Controller, Get, HttpCode, Inject, Put, Req, Res, UseFilters } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, NotFound, ValidationFailed, ZQuery, type Principal } from '@modelyard/platform';
import { ArtifactPath } from '@modelyard/types';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { OCTET_STREAM } from '../artifacts/octet-stream.parser.js';
import { RunArtifactsService, type RunFile } from '../tracking/run-artifacts.service.js';
import { TrackingService } from '../tracking/tracking.service.js';
import { artifactUri } from '../tracking/run-ids.js';
import { MlflowErrorFilter } from './mlflow-error.filter.js';
import { withToken } from './mlflow.mapper.js';
import { ListArtifacts, ProxyListQuery } from './mlflow.schemas.js';

/** A proxy path `<experiment>/<run>/artifacts/<file>`, as `mlflow-artifacts:/` URIs of our runs are made. */
const RUN_PATH = /^(\d{1,18})\/([0-9a-f]{32})\/artifacts(?:\/(.*))?$/;

function splitProxyPath(raw: string | undefined): { runId: string; path: string } | null {
  const match = RUN_PATH.exec((raw ?? '').replace(/^\/+|\/+$/g, ''));
  return match ? { runId: match[2]!, path: match[3] ?? '' } : null;
}

function checkedPath(path: string, field: string): string {
  const parsed = ArtifactPath.safeParse(path);
  if (!parsed.success) throw new ValidationFailed([{ field, in: 'query', message: parsed.error.issues[0]!.message }]);
  return parsed.data;
}

/** The direct children of `dir` among a run's files: files with their size, sub-directories once. */
export function childrenOf(files: RunFile[], dir: string) {
  const prefix = dir ? `${dir}/` : '';
  const out = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
  for (const file of files) {
    if (!file.path.startsWith(prefix)) continue;
    const rest = file.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    const name = slash < 0 ? rest : rest.slice(0, slash);
    if (!out.has(name)) out.set(name, slash < 0 ? { path: name, is_dir: false, file_size: file.size } : { path: name, is_dir: true });
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** MLflow's artifacts/list and the artifact proxy (`log_artifact`, `log_model`, downloads). */
@Controller('api/2.0')
@UseFilters(MlflowErrorFilter)
export class MlflowArtifactsController {
  constructor(
    @Inject(TrackingService) private readonly tracking: TrackingService,
    @Inject(RunArtifactsService) private readonly files: RunArtifactsService,
  ) {}

  @Get('mlflow/artifacts/list')
  @ApiDoc({ summary: "MLflow: list a run's artifacts under a path", tags: ['mlflow'] })
  async list(@ZQuery(ListArtifacts) query: z.infer<typeof ListArtifacts>) {
    const run = await this.tracking.getRun(query.run_id);
    const dir = query.path ? checkedPath(query.path.replace(/^\/+|\/+$/g, ''), 'path') : '';
    const children = childrenOf(await this.files.list(query.run_id), dir);
    const files = children.map((c) => ({ ...c, path: dir ? `${dir}/${c.path}` : c.path }));
    return { root_uri: artifactUri(run.project.artifactLocation, run.id), ...(files.length ? { files } : {}), ...withToken(null) };
  }

  @Get('mlflow-artifacts/artifacts')
  @ApiDoc({ summary: 'MLflow artifact proxy: list a directory', tags: ['mlflow'] })
  async proxyList(@ZQuery(ProxyListQuery) query: z.infer<typeof ProxyListQuery>) {
    const target = splitProxyPath(query.path);
    if (!target) return {};
    const dir = target.path ? checkedPath(target.path, 'path') : '';
    const files = childrenOf(await this.files.list(target.runId), dir);
    return files.length ? { files } : {};
  }

  @Put('mlflow-artifacts/artifacts/*')
  @HttpCode(200)
  @ApiDoc({
    summary: 'MLflow artifact proxy: upload a file (streamed, content-addressed)',
    status: 200,
    requestContentType: OCTET_STREAM,
    tags: ['mlflow'],
  })
  async upload(@Req() request: FastifyRequest, @CurrentPrincipal() who: Principal) {
    const { runId, path } = this.target(request);
    await this.files.upload(runId, path, request.body as IncomingMessage, who.id);
    return {};
  }

  @Get('mlflow-artifacts/artifacts/*')
  @ApiDoc({ summary: 'MLflow artifact proxy: download a file, verified against its SHA-256', tags: ['mlflow'] })
  async download(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const { runId, path } = this.target(request);
    const { file, body } = await this.files.open(runId, path);
    return reply
      .headers({ 'content-type': OCTET_STREAM, 'content-length': String(file.size) })
      .status(200)
      .send(body);
  }

  private target(request: FastifyRequest): { runId: string; path: string } {
    const raw = (request.params as Record<string, string | undefined>)['*'];
    const target = splitProxyPath(raw);
    if (!target || !target.path) throw new NotFound('artifact', raw ?? '');
    return { runId: target.runId, path: checkedPath(target.path, 'path') };
  }
}
