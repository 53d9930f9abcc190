import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiDoc, RequireScope, ZBody, ZParams, ZQuery, TeamResource } from '@modelyard/platform';
import { AssignmentConfigResponse, AssignmentQuery, AssignmentResponse, BatchAssignmentBody } from '@modelyard/types';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { KeyParams } from '../experiments/experiments.controller.js';
import { AssignmentService } from './assignment.service.js';

// Every route acts on one experiment: the team of its model decides.
@TeamResource('experiment', { field: 'key' })
@Controller('v1/experiments/:key')
export class AssignmentController {
  constructor(@Inject(AssignmentService) private readonly assignment: AssignmentService) {}

  // Declares the route (scope, OpenAPI); AssignmentRoute answers it without Nest's pipeline.
  @Get('assignment')
  @ApiDoc({
    summary: 'The variant (and model version) that serves a unit; sticky once assigned',
    response: AssignmentResponse,
    tags: ['assignment'],
  })
  async one(@ZParams(KeyParams) p: KeyParams, @ZQuery(AssignmentQuery) q: z.infer<typeof AssignmentQuery>) {
    return this.assignment.assignOne(p.key, q.unit);
  }

  @Post('assignments')
  // A lookup that happens to record first assignments: serving code with read-only keys may call it.
  @RequireScope('read')
  @ApiDoc({
    summary: 'Assign up to 1000 units at once',
    response: z.object({ items: z.array(AssignmentResponse) }),
    status: 200,
    tags: ['assignment'],
  })
  async many(
    @ZParams(KeyParams) p: KeyParams,
    @ZBody(BatchAssignmentBody) body: z.infer<typeof BatchAssignmentBody>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    void reply.status(200);
    return { items: await this.assignment.assignMany(p.key, body.units) };
  }

  @Get('config')
  @ApiDoc({
    summary: 'Everything an SDK needs to assign locally (ETag / If-None-Match)',
    response: AssignmentConfigResponse,
    tags: ['assignment'],
  })
  async config(@ZParams(KeyParams) p: KeyParams, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const config = await this.assignment.config(p.key);
    const etag = `"${config.key}-${config.revision}"`;
    void reply.header('etag', etag).header('cache-control', 'no-cache');
    if (request.headers['if-none-match'] === etag) {
      void reply.status(304);
      return undefined;
    }
    return config;
  }
}
