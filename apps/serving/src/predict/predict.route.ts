import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DirectRoutes, ZodPipe, type DirectAccess, type DirectRoute } from '@modelyard/platform';
import { acceptPredictBody, PredictBody } from '@modelyard/types';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ModelParams } from '../params.js';
import { PredictService } from './predict.service.js';

/** Model names remembered as valid: the check is pure, and calls name the same few models. */
const VALID_NAMES_MAX = 1_000;

/**
 * Answers POST /v1/models/:name/predict with a plain Fastify handler (see DirectRoutes) instead of
 * Nest's pipeline: on a one-instance prediction that pipeline cost about as much as the model
 * (bench:serving). PredictController.predict still declares the route.
 *
 * Admission is the platform's (credential, the 'read' scope PredictController.predict declares on
 * the model's team, rate limit; @AllowInMaintenance), then params and body are validated by the
 * same ZodPipes (the body's fast path first), errors answered as problem+json.
 */
@Injectable()
export class PredictRoute implements OnModuleInit {
  private static readonly access: DirectAccess = { scope: 'read', kind: 'model', param: 'name' };
  private readonly params = new ZodPipe(ModelParams, 'params');
  private readonly body = new ZodPipe(PredictBody, 'body', acceptPredictBody);
  private readonly validNames = new Set<string>();
  private readonly route: DirectRoute;

  constructor(
    @Inject(DirectRoutes) private readonly routes: DirectRoutes,
    @Inject(PredictService) private readonly predictions: PredictService,
  ) {
    const predict = (request: FastifyRequest, reply: FastifyReply) => this.predict(request, reply);
    this.route = routes.install('POST', '/v1/models/:name/predict', (request, reply) =>
      routes.admit(request, reply, PredictRoute.access, predict),
    );
  }

  onModuleInit() {
    this.route.assertInstalled();
  }

  private predict(request: FastifyRequest, reply: FastifyReply): void {
    try {
      const name = this.modelName(request.params);
      const body = this.body.transform(request.body);
      this.predictions.predict(name, body).then(
        (result) => void reply.code(200).send(result),
        (err: unknown) => this.routes.fail(err, request, reply),
      );
    } catch (err) {
      this.routes.fail(err, request, reply);
    }
  }

  /** The :name parameter, checked by the same ZodPipe the first time it is seen (the router gives only `name`). */
  private modelName(params: unknown): string {
    const given = (params as { name?: unknown }).name;
    if (typeof given === 'string' && this.validNames.has(given)) return given;
    const { name } = this.params.transform(params);
    if (this.validNames.size >= VALID_NAMES_MAX) this.validNames.clear();
    // ModelName does not transform: the name checked is the name given.
    if (name === given) this.validNames.add(name);
    return name;
  }
}
