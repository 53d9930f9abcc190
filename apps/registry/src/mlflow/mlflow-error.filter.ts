import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { toProblem } from '@modelyard/platform';
import { ErrorCode } from '@modelyard/types';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * MLflow's error body, `{"error_code", "message"}`, with the HTTP status MLflow gives each code
 * (mlflow/exceptions.py): clients branch on error_code (e.g. get-by-name's RESOURCE_DOES_NOT_EXIST
 * before creating an experiment), so the codes must be MLflow's, not ours.
 */
export function mlflowError(status: number, code: string): { status: number; errorCode: string } {
  if (code === ErrorCode.alreadyExists) return { status: 400, errorCode: 'RESOURCE_ALREADY_EXISTS' };
  if (code === ErrorCode.routeNotFound) return { status: 404, errorCode: 'ENDPOINT_NOT_FOUND' };
  if (status === 404) return { status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' };
  if (status === 401) return { status: 401, errorCode: 'UNAUTHENTICATED' };
  if (status === 403) return { status: 403, errorCode: 'PERMISSION_DENIED' };
  if (status === 429) return { status: 429, errorCode: 'REQUEST_LIMIT_EXCEEDED' };
  if (status === 503) return { status: 503, errorCode: 'TEMPORARILY_UNAVAILABLE' };
  if (status >= 500) return { status: 500, errorCode: 'INTERNAL_ERROR' };
  // Bad values, changed params and writes to deleted runs are all INVALID_PARAMETER_VALUE (400) in MLflow.
  return { status: 400, errorCode: 'INVALID_PARAMETER_VALUE' };
}

@Catch()
export class MlflowErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(MlflowErrorFilter.name);

  catch(err: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = toProblem(err, request.id);
    if (problem.unexpected) this.logger.error(err instanceof Error ? err : new Error(String(err)));
    if (reply.sent) return;
    const { status, errorCode } = mlflowError(problem.status, problem.body.code);
    const message = problem.body.detail ?? problem.body.title;
    void reply
      .status(status)
      .headers({ ...problem.headers, 'content-type': 'application/json' })
      .send(JSON.stringify({ error_code: errorCode, message }));
  }
}
