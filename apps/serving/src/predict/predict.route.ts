import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RateLimiter, Unauthenticated, ZodPipe, sendProblem, type AuthedRequest, isPlatformAdmin, TeamAccess } from '@modelyard/platform';
import { acceptPredictBody, isSafeString, PredictBody } from '@modelyard/types';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { ModelParams } from '../params.js';
import { PredictService } from './predict.service.js';

const METHOD = 'POST';
const URL = '/v1/models/:name/predict';
/** The scope PredictController.predict declares with @RequireScope('read'). */
const SCOPE = 'read';
/** Model names remembered as valid: the check is pure, and calls name the same few models. */
const VALID_NAMES_MAX = 1_000;

/**
 * Answers POST /v1/models/:name/predict from the Fastify route Nest registers for
 * PredictController.predict, without Nest's router, guards, pipes and filter: on a one-instance
 * prediction they cost about as much as the model (bench:serving). The controller method stays:
 * it declares the route (path, ingestion body limit, OpenAPI description, flags the early
 * authentication hook reads); only its handler is replaced as Fastify adds the route.
 *
 * What Nest's pipeline did is done here in the same order with the platform's own pieces, so
 * answers are identical: the credential (already found by the early hook) and its 'read' scope,
 * the rate limit, no maintenance check (@AllowInMaintenance), params then body validated by the
 * same ZodPipes (the body's fast path first), errors as problem+json by the platform's sendProblem.
 */
@Injectable()
export class PredictRoute implements OnModuleInit {
  private readonly logger = new Logger('ProblemFilter');
  private readonly params = new ZodPipe(ModelParams, 'params');
  private readonly body = new ZodPipe(PredictBody, 'body', acceptPredictBody);
  private readonly validNames = new Set<string>();
  private installed = false;

  constructor(
    @Inject(HttpAdapterHost) adapterHost: HttpAdapterHost,
    @Inject(PredictService) private readonly predictions: PredictService,
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
    @Inject(TeamAccess) private readonly teams: TeamAccess,
  ) {
    // Providers are built before app.init() registers the routes, so the hook sees the route added.
    const fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRoute', (route: RouteOptions) => {
      if (route.method !== METHOD || route.url !== URL) return;
      route.handler = (request, reply) => this.handle(request, reply);
      this.installed = true;
    });
  }

  /** Runs after the routes are registered: a renamed route must not silently lose its handler. */
  onModuleInit() {
    if (!this.installed) throw new Error(`PredictRoute: no ${METHOD} ${URL} route was registered`);
  }

  // Not async: with no rate limit the whole request costs only the prediction's promises.
  private handle(request: FastifyRequest, reply: FastifyReply): void {
    try {
      const principal = (request as AuthedRequest).principal;
      if (!principal) throw new Unauthenticated();
      // Platform admins (services calling with their credential) pass every team: no lookup.
      if (isPlatformAdmin(principal)) return this.limited(request, reply);
      // Otherwise the model's team decides (its global roles for a model without one), as the
      // guard's @TeamResource check does on other routes: one primary-key lookup per request.
      // A name no query can hold (a NUL) is looked up as none: its validation answers 400 after.
      const given = (request.params as { name?: unknown }).name;
      const name = typeof given === 'string' && given.length <= 1024 && isSafeString(given) ? given : '';
      this.teams.requireModel(principal, SCOPE, name).then(
        () => this.limited(request, reply),
        (err: unknown) => this.fail(err, request, reply),
      );
    } catch (err) {
      this.fail(err, request, reply);
    }
  }

  private limited(request: FastifyRequest, reply: FastifyReply): void {
    try {
      const limited = this.limiter.check(request, reply);
      if (limited === true) this.predict(request, reply);
      else
        limited.then(
          () => this.predict(request, reply),
          (err: unknown) => this.fail(err, request, reply),
        );
    } catch (err) {
      this.fail(err, request, reply);
    }
  }

  private predict(request: FastifyRequest, reply: FastifyReply): void {
    try {
      const name = this.modelName(request.params);
      const body = this.body.transform(request.body);
      this.predictions.predict(name, body).then(
        (result) => void reply.code(200).send(result),
        (err: unknown) => this.fail(err, request, reply),
      );
    } catch (err) {
      this.fail(err, request, reply);
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

  private fail(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
    sendProblem(err, request, reply, this.logger);
  }
}
