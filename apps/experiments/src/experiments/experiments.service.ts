import { Inject, Injectable } from '@nestjs/common';
import { Forbidden, toPage, ValidationFailed, type Principal } from '@modelyard/platform';
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

  async create(body: CreateExperimentBody, who: Principal) {
    const enabledBy = autoPromoteEnabler(body.autoPromote, who, body.onBehalfOf);
    // Every variant must serve a version that exists in the registry; the registry is asked, not its tables.
    const found = await Promise.all(body.variants.map((v) => this.registry.version(body.model, v.version)));
    const missing = body.variants.flatMap((v, i) =>
      found[i] ? [] : [{ field: `variants.${i}.version`, in: 'body', message: `${body.model}@${v.version} is not in the registry` }],
    );
    if (missing.length) throw new ValidationFailed(missing);
    return toExperimentResponse(await this.experiments.create(body, who.id, enabledBy));
  }

  async list(query: ListExperimentsQuery) {
    return toPage(await this.experiments.list(query), query.limit, toExperimentResponse, (row) => row.key);
  }

  async get(key: string) {
    return toExperimentResponse(await this.experiments.get(key));
  }

  async update(key: string, body: UpdateExperimentBody, who: Principal) {
    const enabledBy = body.autoPromote === undefined ? undefined : autoPromoteEnabler(body.autoPromote, who);
    return toExperimentResponse(await this.experiments.update(key, body, enabledBy));
  }

  async transition(key: string, to: ExperimentStatus) {
    return toExperimentResponse(await this.experiments.transition(key, to));
  }
}

/**
 * Automatic promotion acts with the rights of whoever turns it on, so turning it on needs the scope
 * promotion needs (admin); turning it off needs nothing more than the route's. Returns who is on
 * record as having enabled it (null when off): a service creating the experiment for someone else
 * names them, and stays on record as the one who vouched for it.
 */
export function autoPromoteEnabler(autoPromote: boolean, who: Principal, onBehalfOf?: string): string | null {
  if (!autoPromote) return null;
  if (!who.scopes.has('admin')) throw new Forbidden('admin');
  return onBehalfOf ? `${onBehalfOf} via ${who.id}` : who.id;
}
