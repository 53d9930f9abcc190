import { Controller, Delete, Get, HttpCode, Inject, Put, Res } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, ZBody, ZParams, ZQuery, type Principal, TeamResource } from '@modelyard/platform';
import { AliasDetailResponse, AliasResponse, DeleteAliasQuery, SetAliasBody } from '@modelyard/types';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { AliasParams, ModelParams } from '../params.js';
import { AliasesService } from './aliases.service.js';

// Every route acts on one model: its team's roles decide when it has a team.
@TeamResource()
@Controller('v1/models/:name/aliases')
export class AliasesController {
  constructor(@Inject(AliasesService) private readonly aliases: AliasesService) {}

  @Get()
  @ApiDoc({ summary: "A model's aliases", response: z.object({ items: z.array(AliasResponse) }), tags: ['aliases'] })
  list(@ZParams(ModelParams) p: ModelParams) {
    return this.aliases.list(p.name);
  }

  @Get(':alias')
  @ApiDoc({ summary: 'An alias, with its history', response: AliasDetailResponse, tags: ['aliases'] })
  get(@ZParams(AliasParams) p: AliasParams) {
    return this.aliases.get(p.name, p.alias);
  }

  @Put(':alias')
  @ApiDoc({ summary: 'Point an alias at a version (compare-and-set with expectedVersion)', response: AliasResponse, tags: ['aliases'] })
  async set(
    @ZParams(AliasParams) p: AliasParams,
    @ZBody(SetAliasBody) body: SetAliasBody,
    @CurrentPrincipal() who: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.aliases.set(p.name, p.alias, body, who);
    void reply.status(result.created ? 201 : 200);
    return result.body;
  }

  @Delete(':alias')
  @HttpCode(204)
  @ApiDoc({ summary: 'Remove an alias (optionally only if it still points at expectedVersion)', status: 204, tags: ['aliases'] })
  delete(
    @ZParams(AliasParams) p: AliasParams,
    @ZQuery(DeleteAliasQuery) q: z.infer<typeof DeleteAliasQuery>,
    @CurrentPrincipal() who: Principal,
  ) {
    return this.aliases.delete(p.name, p.alias, q.expectedVersion, who);
  }
}
