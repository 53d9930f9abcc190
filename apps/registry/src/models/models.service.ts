import { Inject, Injectable } from '@nestjs/common';
import { toPage } from '@modelyard/platform';
import type { CreateModelBody, ListModelsQuery, UpdateModelBody } from '@modelyard/types';
import { ArtifactGc } from '../artifacts/artifact-gc.processor.js';
import { RegistryMetrics } from '../registry.metrics.js';
import { toModelResponse } from './models.mapper.js';
import { ModelsRepository } from './models.repository.js';

@Injectable()
export class ModelsService {
  constructor(
    @Inject(ModelsRepository) private readonly models: ModelsRepository,
    @Inject(RegistryMetrics) private readonly metrics: RegistryMetrics,
    @Inject(ArtifactGc) private readonly gc: ArtifactGc,
  ) {}

  async create(body: CreateModelBody, actor: string, keyTags?: { key: string; value: string }[]) {
    return toModelResponse(await this.models.create(body, actor, keyTags));
  }

  async list(query: ListModelsQuery) {
    return toPage(await this.models.list(query), query.limit, toModelResponse, (row) => row.name);
  }

  async get(name: string) {
    return toModelResponse(await this.models.get(name));
  }

  async update(name: string, body: UpdateModelBody, actor: string) {
    return toModelResponse(await this.models.update(name, body, actor));
  }

  async delete(name: string, actor: string) {
    const id = await this.models.delete(name, actor);
    // The versions' artifacts went with the model; their blobs may now be unreferenced.
    await this.gc.schedule(`model-deleted.${id}`, `deletion of ${name}`);
  }
}
