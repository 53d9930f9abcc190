import type { ModelResponse } from '@modelyard/types';
import type { RegisteredModel } from '@modelyard/db';

export function toModelResponse(row: RegisteredModel): ModelResponse {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tags: row.tags,
    owner: row.owner,
    versioning: row.versioning,
    requiredApprovals: row.requiredApprovals,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
