import type { ModelResponse } from '@modelyard/types';
import type { RegisteredModel } from '@modelyard/db';

/** `ownership`: the model's row in platform_model_teams, when it was read with the model. */
export function toModelResponse(row: RegisteredModel & { ownership?: { team: string } | null }): ModelResponse {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tags: row.tags,
    owner: row.owner,
    versioning: row.versioning,
    requiredApprovals: row.requiredApprovals,
    team: row.ownership?.team ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
