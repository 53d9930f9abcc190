import { Inject, Injectable } from '@nestjs/common';
import { toPage, ValidationFailed } from '@modelyard/platform';
import type { CreateExperimentBody, ExperimentStatus, ListExperimentsQuery, UpdateExperimentBody } from '@modelyard/types';
import { RegistryClient } from '../registry.client.js';
import { toExperimentResponse } from './experiments.mapper.js';
import { ExperimentsRepository } from './experiments.repository.js';

@Injectable()
export class ExperimentsService {
  constructor(
    @Inject(ExperimentsRepository) private readonly experiments: ExperimentsRepository,
    @Inject(RegistryClient) private readonly registry: RegistryClient,
  ) {}

  async create(body: CreateExperimentBody, actor: string) {
    // Every variant must serve a version that exists in the registry; the registry is asked, not its tables.
    const found = await Promise.all(body.variants.map((v) => this.registry.version(body.model, v.version)));
    const missing = body.variants.flatMap((v, i) =>
      found[i] ? [] : [{ field: `variants.${i}.version`, in: 'body', message: `${body.model}@${v.version} is not in the registry` }],
    );
    if (missing.length) throw new ValidationFailed(missing);
    return toExperimentResponse(await this.experiments.create(body, actor));
  }

  async list(query: ListExperimentsQuery) {
    return toPage(await this.experiments.list(query), query.limit, toExperimentResponse, (row) => row.key);
  }

  async get(key: string) {
    return toExperimentResponse(await this.experiments.get(key));
  }

  async update(key: string, body: UpdateExperimentBody) {
    return toExperimentResponse(await this.experiments.update(key, body));
  }

  async transition(key: string, to: ExperimentStatus) {
    return toExperimentResponse(await this.experiments.transition(key, to));
  }
}
