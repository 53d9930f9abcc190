import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ChangeAnnouncer, TeamAccess, TeamResolvers, toPage, ValidationFailed, type FieldError, type Principal } from '@modelyard/platform';
import {
  CHANGE_NOTICES,
  type CreateExperimentBody,
  type ExperimentStatus,
  type ListExperimentsQuery,
  type UpdateExperimentBody,
} from '@modelyard/types';
import { StickyPersistenceService } from '../assignment/sticky-persistence.service.js';
import { RegistryClient } from '../registry.client.js';
import { autoPromoteEnabler, planChange } from './experiment-rules.js';
import { toExperimentResponse } from './experiments.mapper.js';
import { ExperimentsRepository } from './experiments.repository.js';

@Injectable()
export class ExperimentsService implements OnModuleInit {
  constructor(
    @Inject(ExperimentsRepository) private readonly experiments: ExperimentsRepository,
    @Inject(RegistryClient) private readonly registry: RegistryClient,
    @Inject(ChangeAnnouncer) private readonly announcer: ChangeAnnouncer,
    @Inject(StickyPersistenceService) private readonly sticky: StickyPersistenceService,
    @Inject(TeamAccess) private readonly teams: TeamAccess,
    @Inject(TeamResolvers) private readonly resolvers: TeamResolvers,
  ) {}

  /** Routes on `/v1/experiments/:key` are checked against the team of the experiment's model. */
  onModuleInit(): void {
    this.resolvers.register('experiment', (key) => this.experiments.modelOf(key));
  }

  async create(body: CreateExperimentBody, who: Principal) {
    const enabledBy = autoPromoteEnabler(body.autoPromote, who, body.onBehalfOf);
    await this.checkVersions(body);
    return toExperimentResponse(await this.experiments.create(body, who.id, enabledBy));
  }

  async list(query: ListExperimentsQuery, who: Principal) {
    return toPage(
      await this.experiments.list(query, await this.teams.readableModels(who)),
      query.limit,
      toExperimentResponse,
      (e) => e.key,
    );
  }

  async get(key: string) {
    return toExperimentResponse(await this.experiments.get(key));
  }

  async update(key: string, body: UpdateExperimentBody, who: Principal) {
    const enabledBy = body.autoPromote === undefined ? undefined : autoPromoteEnabler(body.autoPromote, who);
    const updated = await this.experiments.update(key, (current) => planChange(current, body, enabledBy), { actor: who.id });
    await this.announcer.announce(CHANGE_NOTICES.experiment, updated.model);
    return toExperimentResponse(updated);
  }

  /**
   * Start or stop; serving hears of it at once (it routes units to running experiments only). A
   * start puts the persisted assignments into Redis at once (for a new experiment: none, so this
   * only marks the sticky hash complete), so assignment never waits for the tick's restore and
   * never asks Postgres per unit.
   */
  async transition(key: string, to: ExperimentStatus, who: Principal) {
    const moved = await this.experiments.transition(key, to, { actor: who.id });
    if (to === 'running') await this.sticky.restore(moved);
    await this.announcer.announce(CHANGE_NOTICES.experiment, moved.model);
    return toExperimentResponse(moved);
  }

  /** Every variant must serve a version that exists in the registry; the registry is asked, not its tables. */
  private async checkVersions(body: CreateExperimentBody): Promise<void> {
    const found = await Promise.all(body.variants.map((v) => this.registry.version(body.model, v.version)));
    const missing = body.variants.flatMap((v, i): FieldError[] => {
      if (found[i]) return [];
      const message = `${body.model}@${v.version} is not in the registry`;
      return [{ field: `variants.${i}.version`, in: 'body', message }];
    });
    if (missing.length) throw new ValidationFailed(missing);
  }
}
