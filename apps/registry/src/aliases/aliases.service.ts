import { Inject, Injectable } from '@nestjs/common';
import type { ModelAlias } from '@modelyard/db';
import type { Principal } from '@modelyard/platform';
import type { AliasResponse, SetAliasBody } from '@modelyard/types';
import { AliasesRepository } from './aliases.repository.js';

function toAliasResponse(row: ModelAlias): AliasResponse {
  return {
    alias: row.alias,
    version: row.version,
    protected: row.protected,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt.toISOString(),
  };
}

@Injectable()
export class AliasesService {
  constructor(@Inject(AliasesRepository) private readonly aliases: AliasesRepository) {}

  async list(name: string) {
    return { items: (await this.aliases.list(name)).map(toAliasResponse) };
  }

  async get(name: string, alias: string) {
    const { row, history } = await this.aliases.get(name, alias);
    return {
      ...toAliasResponse(row),
      history: history.map((h) => ({ fromVersion: h.fromVersion, toVersion: h.toVersion, actor: h.actor, at: h.at.toISOString() })),
    };
  }

  async set(name: string, alias: string, body: SetAliasBody, who: Principal) {
    const { row, created } = await this.aliases.set(name, alias, body, who.id, who.scopes.has('admin'));
    return { body: toAliasResponse(row), created };
  }

  delete(name: string, alias: string, expectedVersion: string | undefined, who: Principal) {
    return this.aliases.delete(name, alias, expectedVersion, who.id, who.scopes.has('admin'));
  }
}
