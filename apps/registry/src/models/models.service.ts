import { Inject, Injectable } from '@nestjs/common';
import { Forbidden, isPlatformAdmin, TeamAccess, toPage, type Principal } from '@modelyard/platform';
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
    @Inject(TeamAccess) private readonly teams: TeamAccess,
  ) {}

  /** Creation by a caller: a model for a team needs its editor or maintainer, one without a team the global `write` scope. */
  async createAs(body: CreateModelBody, who: Principal) {
    if (body.team !== undefined) await this.teams.requireTeam(who, 'write', body.team);
    else if (!who.scopes.has('write')) throw new Forbidden('write');
    return this.create(body, who.id);
  }

  async create(body: CreateModelBody, actor: string, keyTags?: { key: string; value: string }[]) {
    return toModelResponse(await this.models.create(body, actor, keyTags));
  }

  async list(query: ListModelsQuery, who: Principal) {
    const readable = await this.teams.readableModels(who);
    return toPage(await this.models.list(query, readable), query.limit, toModelResponse, (row) => row.name);
  }

  async get(name: string) {
    return toModelResponse(await this.models.get(name));
  }

  /**
   * The route's guard checked `write` on the model's current team. A transfer also needs, on top,
   * the maintainer role in both teams (a platform admin's for a model without a team).
   */
  async updateAs(name: string, body: UpdateModelBody, who: Principal) {
    if (body.team !== undefined) {
      const from = await this.teams.teamOf(name);
      if (from !== body.team) {
        if (from === null && !isPlatformAdmin(who)) throw new Forbidden('admin');
        if (from !== null) await this.teams.requireTeam(who, 'admin', from);
        await this.teams.requireTeam(who, 'admin', body.team);
      }
    }
    return this.update(name, body, who.id);
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
