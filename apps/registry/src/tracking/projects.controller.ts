import { Controller, Get, Inject, Post } from '@nestjs/common';
import {
  ApiDoc,
  CurrentPrincipal,
  encodeCursor,
  parseIntCursor,
  decodeCursor,
  ZBody,
  ZParams,
  ZQuery,
  type Principal,
} from '@modelyard/platform';
import { CreateProjectBody, CreateRunBody, PageQuery, ProjectPage, ProjectResponse, RunResponse } from '@modelyard/types';
import { z } from 'zod';
import { TrackingService } from './tracking.service.js';
import { toProjectResponse, toRunResponse } from './tracking.mapper.js';

const ProjectParams = z.strictObject({ id: z.string().regex(/^\d{1,18}$/, 'a project id') });
type ProjectParams = z.infer<typeof ProjectParams>;

/** Training projects (MLflow calls them experiments; A/B experiments are another service's). */
@Controller('v1/projects')
export class ProjectsController {
  constructor(@Inject(TrackingService) private readonly tracking: TrackingService) {}

  @Post()
  @ApiDoc({ summary: 'Create a training project', response: ProjectResponse, status: 201, tags: ['tracking'] })
  async create(@ZBody(CreateProjectBody) body: CreateProjectBody, @CurrentPrincipal() who: Principal) {
    return toProjectResponse(await this.tracking.projects.create(body, who.id));
  }

  @Get()
  @ApiDoc({ summary: 'List active training projects by id', response: ProjectPage, tags: ['tracking'] })
  async list(@ZQuery(PageQuery) query: PageQuery) {
    const afterId = decodeCursor(query.cursor, parseIntCursor);
    const rows = await this.tracking.projects.list({ view: 'active', afterId, limit: query.limit });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return { items: items.map(toProjectResponse), nextCursor: rows.length > query.limit && last ? encodeCursor(String(last.id)) : null };
  }

  @Get(':id')
  @ApiDoc({ summary: 'Get a training project', response: ProjectResponse, tags: ['tracking'] })
  async get(@ZParams(ProjectParams) params: ProjectParams) {
    return toProjectResponse(await this.tracking.projects.get(params.id));
  }

  @Post(':id/runs')
  @ApiDoc({ summary: 'Start a run in the project (status RUNNING)', response: RunResponse, status: 201, tags: ['tracking'] })
  async createRun(
    @ZParams(ProjectParams) params: ProjectParams,
    @ZBody(CreateRunBody) body: CreateRunBody,
    @CurrentPrincipal() who: Principal,
  ) {
    return toRunResponse(await this.tracking.createRun({ projectId: params.id, ...body, userId: who.id }, who.id));
  }
}
