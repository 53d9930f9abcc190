import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

export const API_DOC_METADATA = 'modelyard:api-doc';

export interface ApiDoc {
  summary: string;
  /** Schema of the success body. */
  response?: z.ZodType;
  /** Success status when not 200 (e.g. 201, 204). */
  status?: number;
  tags?: string[];
  /** Free-form request body description for routes whose body is not JSON (e.g. streams). */
  requestContentType?: string;
  /** Error answers worth documenting beyond the common ones, with their problem+json schema. */
  errors?: ApiError[];
}

export interface ApiError {
  status: number;
  description: string;
  /** A problem+json schema (the platform's `Problem`, extended with the members this answer adds). */
  schema: z.ZodType;
}

/** Documents a route in the generated OpenAPI (summary and response schema). */
export const ApiDoc = (doc: ApiDoc) => SetMetadata(API_DOC_METADATA, doc);
