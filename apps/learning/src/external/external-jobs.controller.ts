import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiDoc, RequireScope, ZBody, ZParams, ZQuery, TeamResource } from '@modelyard/platform';
import {
  ClaimJobBody,
  CompleteJobBody,
  CompleteJobResponse,
  ExternalJobResponse,
  FailJobBody,
  FailJobResponse,
  HeartbeatBody,
  JobSamplesQuery,
  PipelineRef,
} from '@modelyard/types';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { RefParams } from '../pipelines/pipelines.controller.js';
import { ExternalCompletion } from './external-completion.js';
import { ExternalJobsService } from './external-jobs.service.js';

const JobParams = z.strictObject({ id: PipelineRef, jobId: z.uuid() });
type JobParams = z.infer<typeof JobParams>;

/**
 * External trainers' side of an external-learner pipeline. Every route, reads included, needs the
 * write scope: a worker takes training data out and puts versions in (an editor's rights).
 */
// Every route acts on one pipeline: the team of its model decides.
@TeamResource('pipeline')
@Controller('v1/pipelines/:id/jobs')
@RequireScope('write')
export class ExternalJobsController {
  constructor(
    @Inject(ExternalJobsService) private readonly jobs: ExternalJobsService,
    @Inject(ExternalCompletion) private readonly completion: ExternalCompletion,
  ) {}

  @Post('claim')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Lease the next update job (200 with its lease token), or 204 when there is none',
    response: ExternalJobResponse,
    tags: ['external jobs'],
  })
  async claim(@ZParams(RefParams) p: RefParams, @ZBody(ClaimJobBody) body: ClaimJobBody, @Res({ passthrough: true }) reply: FastifyReply) {
    const job = await this.jobs.claim(p.id, body);
    if (!job) reply.status(204);
    return job ?? undefined;
  }

  @Get(':jobId')
  @ApiDoc({ summary: 'A job: window, held-out samples, status, lease, outcome', response: ExternalJobResponse, tags: ['external jobs'] })
  get(@ZParams(JobParams) p: JobParams) {
    return this.jobs.get(p.id, p.jobId);
  }

  @Post(':jobId/heartbeat')
  @HttpCode(200)
  @ApiDoc({ summary: 'Extend the lease (409 when it expired or is not yours)', response: ExternalJobResponse, tags: ['external jobs'] })
  heartbeat(@ZParams(JobParams) p: JobParams, @ZBody(HeartbeatBody) body: HeartbeatBody) {
    return this.jobs.heartbeat(p.id, p.jobId, body);
  }

  @Get(':jobId/samples')
  @ApiDoc({ summary: "The job's samples as NDJSON or CSV (?format= or Accept; ?part=all|train|holdout)", tags: ['external jobs'] })
  async samples(
    @ZParams(JobParams) p: JobParams,
    @ZQuery(JobSamplesQuery) query: JobSamplesQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const answer = await this.jobs.samples(p.id, p.jobId, query, request.headers.accept);
    return reply.header('content-type', answer.contentType).status(200).send(answer.body);
  }

  @Post(':jobId/complete')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Hand in the registered draft version and its held-out metrics: gate, stage, experiment',
    response: CompleteJobResponse,
    tags: ['external jobs'],
  })
  complete(@ZParams(JobParams) p: JobParams, @ZBody(CompleteJobBody) body: CompleteJobBody) {
    return this.completion.complete(p.id, p.jobId, body);
  }

  @Post(':jobId/fail')
  @HttpCode(200)
  @ApiDoc({ summary: 'Give the job up: its samples are offered again in a new job', response: FailJobResponse, tags: ['external jobs'] })
  fail(@ZParams(JobParams) p: JobParams, @ZBody(FailJobBody) body: FailJobBody) {
    return this.jobs.fail(p.id, p.jobId, body);
  }
}
