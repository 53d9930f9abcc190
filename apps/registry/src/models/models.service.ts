import { Inject, Injectable } from '@nestjs/common';
import { toPage } from '@modelyard/platform';
import type { CreateModelBody, ListModelsQuery, UpdateModelBody } from '@modelyard/types';
import { RegistryMetrics } from '../registry.metrics.js';
import { toModelResponse } from './models.mapper.js';
import { ModelsRepository } from './models.repository.js';

@Injectable()
export class ModelsService {
  constructor(
    @Inject(ModelsRepository) private readonly models: ModelsRepository,
    @Inject(RegistryMetrics) private readonly metrics: RegistryMetrics,
  ) {}

  async create(body: CreateModelBody, actor: string) {
    return toModelResponse(await this.models.create(body, actor));
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
    await this.models.delete(name, actor);
  }
}
