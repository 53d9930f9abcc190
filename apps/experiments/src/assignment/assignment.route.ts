import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DirectRoutes, ZodPipe, type DirectAccess, type DirectRoute } from '@modelyard/platform';
import { AssignmentQuery } from '@modelyard/types';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KeyParams } from '../experiments/experiments.controller.js';
import { AssignmentService } from './assignment.service.js';

/**
 * Answers GET /v1/experiments/:key/assignment, the sticky assignment of one unit, with a plain
 * Fastify handler (see DirectRoutes) instead of Nest's pipeline, which cost several times the
 * assignment itself (bench:experiments). AssignmentController.one still declares the route.
 *
 * Admission is the platform's, as the guards do for the controller's @TeamResource('experiment',
 * { field: 'key' }) on a GET: the credential, 'read' on the experiment's model's team (global roles
 * for a model without one), the rate limit; reads pass maintenance. Then the same ZodPipes
 * validate params and query, and errors are answered as problem+json.
 */
@Injectable()
export class AssignmentRoute implements OnModuleInit {
  private static readonly access: DirectAccess = { scope: 'read', kind: 'experiment', param: 'key' };
  private readonly params = new ZodPipe(KeyParams, 'params');
  private readonly query = new ZodPipe(AssignmentQuery, 'query');
  private readonly route: DirectRoute;

  constructor(
    @Inject(DirectRoutes) private readonly routes: DirectRoutes,
    @Inject(AssignmentService) private readonly assignment: AssignmentService,
  ) {
    const assign = (request: FastifyRequest, reply: FastifyReply) => this.assign(request, reply);
    this.route = routes.install('GET', '/v1/experiments/:key/assignment', (request, reply) =>
      routes.admit(request, reply, AssignmentRoute.access, assign),
    );
  }

  onModuleInit() {
    this.route.assertInstalled();
  }

  private assign(request: FastifyRequest, reply: FastifyReply): void {
    try {
      const { key } = this.params.transform(request.params);
      const { unit } = this.query.transform(request.query);
      this.assignment.assignOne(key, unit).then(
        (result) => void reply.code(200).send(result),
        (err: unknown) => this.routes.fail(err, request, reply),
      );
    } catch (err) {
      this.routes.fail(err, request, reply);
    }
  }
}
