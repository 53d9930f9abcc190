import { Inject, Injectable } from '@nestjs/common';
import { NotFound, ValidationFailed, type Principal, TeamAccess } from '@modelyard/platform';
import { AliasesService } from '../../aliases/aliases.service.js';
import { ModelsService } from '../../models/models.service.js';
import { latestPerStage, mlflowModel, mlflowVersion } from './mlflow-registry.mapper.js';
import { MlflowRegistryRepository, type KeyTag } from './mlflow-registry.repository.js';
import { MODEL_ORDER_COLUMNS, nextToken, pageOffset, parseOrderBy } from './registry-paging.js';
import { parseModelFilter } from './registry-filter.js';
import type { CreateRegisteredModel, SearchRegisteredModels } from './registry.schemas.js';
import { MLFLOW_STAGES, parseMlflowStage } from './stage-mapping.js';

/**
 * MLflow's registered models and aliases over ours: creation, updates, deletion and aliases go
 * through the models and aliases services (same rules, audit, events); MLflow-only changes
 * (rename, key/value tags) through the MLflow registry repository, audited the same way.
 */
@Injectable()
export class MlflowModelsService {
  constructor(
    @Inject(ModelsService) private readonly models: ModelsService,
    @Inject(AliasesService) private readonly aliases: AliasesService,
    @Inject(MlflowRegistryRepository) private readonly repo: MlflowRegistryRepository,
    @Inject(TeamAccess) private readonly teams: TeamAccess,
  ) {}

  async create(body: CreateRegisteredModel, who: Principal) {
    await this.models.create({ name: body.name, description: body.description }, who.id, dedupeTags(body.tags ?? []));
    return { registered_model: await this.view(body.name) };
  }

  async get(name: string) {
    return { registered_model: await this.view(name) };
  }

  async rename(name: string, newName: string, who: Principal) {
    await this.repo.rename(name, newName, who.id);
    return { registered_model: await this.view(newName) };
  }

  async update(name: string, description: string | undefined, who: Principal) {
    if (description !== undefined) await this.models.update(name, { description }, who.id);
    return { registered_model: await this.view(name) };
  }

  async delete(name: string, who: Principal) {
    await this.models.delete(name, who.id);
    return {};
  }

  async search(query: SearchRegisteredModels, who: Principal) {
    const readable = await this.teams.readableModels(who);
    const offset = pageOffset(query.page_token);
    const order = parseOrderBy(query.order_by, MODEL_ORDER_COLUMNS);
    const rows = await this.repo.searchModels(parseModelFilter(query.filter), readable, order, offset, query.max_results + 1);
    const page = rows.slice(0, query.max_results);
    const versions = await this.repo.versionsOf(page.map((m) => m.id));
    const models = page.map((m) => mlflowModel(m, versions));
    return { ...(models.length ? { registered_models: models } : {}), ...nextToken(rows.length, query.max_results, offset) };
  }

  async latestVersions(name: string, stages: string[] | undefined) {
    const wanted = (stages ?? []).map((raw) => {
      const stage = parseMlflowStage(raw);
      if (!stage) throw invalidStage(raw, 'stages');
      return stage;
    });
    const model = await this.repo.model(name);
    const versions = await this.repo.versionsOf([model.id]);
    const latest = latestPerStage(versions, wanted.length ? wanted : MLFLOW_STAGES);
    return latest.length ? { model_versions: latest.map((v) => mlflowVersion(v, model.aliases)) } : {};
  }

  async setTag(name: string, tag: KeyTag, who: Principal) {
    await this.repo.setModelTag(name, tag, who.id);
    return {};
  }

  async deleteTag(name: string, key: string, who: Principal) {
    await this.repo.deleteModelTag(name, key, who.id);
    return {};
  }

  async setAlias(name: string, alias: string, number: number, who: Principal) {
    const version = await this.repo.version(name, number);
    await this.aliases.set(name, alias, { version: version.version }, who);
    return {};
  }

  /** Deleting an alias that does not exist succeeds, as in MLflow; an unknown model does not. */
  async deleteAlias(name: string, alias: string, who: Principal) {
    const model = await this.repo.model(name);
    if (model.aliases.some((a) => a.alias === alias)) await this.aliases.delete(name, alias, undefined, who);
    return {};
  }

  async byAlias(name: string, alias: string) {
    const model = await this.repo.model(name);
    const target = model.aliases.find((a) => a.alias === alias);
    const versions = target ? await this.repo.versionsOf([model.id]) : [];
    const row = versions.find((v) => v.version === target?.version);
    if (!row) throw new NotFound('alias', `${name}@${alias}`);
    return { model_version: mlflowVersion(row, model.aliases) };
  }

  private async view(name: string) {
    const model = await this.repo.model(name);
    return mlflowModel(model, await this.repo.versionsOf([model.id]));
  }
}

/** MLflow keeps the last value given for a key. */
export function dedupeTags(tags: KeyTag[]): KeyTag[] {
  return [...new Map(tags.map((t) => [t.key, t])).values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function invalidStage(raw: string, field: string) {
  return new ValidationFailed([
    { field, in: 'body', message: `Invalid Model Version stage: ${raw}. Value must be one of ${MLFLOW_STAGES.join(', ')}.` },
  ]);
}
