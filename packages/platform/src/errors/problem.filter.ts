import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem.js';

/** The one place where errors become HTTP responses: application/problem+json with the request id. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  catch(err: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendProblem(err, request, reply, this.logger);
  }
}

export function sendProblem(err: unknown, request: FastifyRequest, reply: FastifyReply, logger: Pick<Logger, 'error'>) {
  const result = toProblem(err, request.id);
  if (result.unexpected) logger.error(err instanceof Error ? err : new Error(String(err)));
  if (reply.sent) return;
  void reply
    .status(result.status)
    .headers({ ...result.headers, 'content-type': PROBLEM_CONTENT_TYPE })
    .send(JSON.stringify({ ...result.body, instance: request.url.split('?')[0] }));
}
