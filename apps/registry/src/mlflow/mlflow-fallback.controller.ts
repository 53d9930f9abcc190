import { Controller, Delete, Get, Patch, Post, UseFilters } from '@nestjs/common';
import { ApiDoc, DomainError } from '@modelyard/platform';
import { ErrorCode } from '@modelyard/types';
import { MlflowErrorFilter } from './mlflow-error.filter.js';

const notServed = () =>
  new DomainError(404, ErrorCode.routeNotFound, 'Endpoint not found', 'this MLflow endpoint is not implemented by the Modelyard registry');

/** Any other MLflow route: MLflow's ENDPOINT_NOT_FOUND (404), so clients report it plainly. */
@Controller('api/2.0/mlflow')
@UseFilters(MlflowErrorFilter)
export class MlflowFallbackController {
  @Get('*')
  @ApiDoc({ summary: 'MLflow endpoints not implemented: ENDPOINT_NOT_FOUND', tags: ['mlflow'] })
  get(): never {
    throw notServed();
  }

  @Post('*')
  @ApiDoc({ summary: 'MLflow endpoints not implemented: ENDPOINT_NOT_FOUND', tags: ['mlflow'] })
  post(): never {
    throw notServed();
  }

  @Patch('*')
  @ApiDoc({ summary: 'MLflow endpoints not implemented: ENDPOINT_NOT_FOUND', tags: ['mlflow'] })
  patch(): never {
    throw notServed();
  }

  @Delete('*')
  @ApiDoc({ summary: 'MLflow endpoints not implemented: ENDPOINT_NOT_FOUND', tags: ['mlflow'] })
  remove(): never {
    throw notServed();
  }
}
