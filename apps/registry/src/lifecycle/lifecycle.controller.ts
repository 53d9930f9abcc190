import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, RequireScope, ZBody, ZParams, ZQuery, type Principal, TeamResource } from '@modelyard/platform';
import {
  PromoteBody,
  PromotionResponse,
  RetentionBody,
  RetentionResponse,
  RollbackBody,
  RollbackResponse,
  ShouldPromoteQuery,
  ShouldPromoteResponse,
  TransitionBody,
  VersionResponse,
} from '@modelyard/types';
import { APPROVALS_MISSING_DOC } from '../approvals/approvals-missing.doc.js';
import { ModelParams, VersionParams } from '../params.js';
import { LifecycleService } from './lifecycle.service.js';

// Every route acts on one model: its team's roles decide when it has a team.
@TeamResource()
@Controller('v1/models/:name')
export class LifecycleController {
  constructor(@Inject(LifecycleService) private readonly lifecycle: LifecycleService) {}

  @Post('versions/:version/transitions')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Move a version to another stage (409 names the allowed targets)',
    response: VersionResponse,
    tags: ['lifecycle'],
    errors: [APPROVALS_MISSING_DOC],
  })
  transition(@ZParams(VersionParams) p: VersionParams, @ZBody(TransitionBody) body: TransitionBody, @CurrentPrincipal() who: Principal) {
    return this.lifecycle.transition(p.name, p.version, body, who);
  }

  @Post('versions/:version/promote')
  @HttpCode(200)
  @RequireScope('admin')
  @ApiDoc({
    summary: 'Promote to production, archiving the current one; optional metric policy',
    response: PromotionResponse,
    tags: ['lifecycle'],
    errors: [APPROVALS_MISSING_DOC],
  })
  promote(@ZParams(VersionParams) p: VersionParams, @ZBody(PromoteBody) body: PromoteBody, @CurrentPrincipal() who: Principal) {
    return this.lifecycle.promote(p.name, p.version, body, who);
  }

  @Get('versions/:version/should-promote')
  @ApiDoc({ summary: 'Would the policy promote this version? (no change made)', response: ShouldPromoteResponse, tags: ['lifecycle'] })
  shouldPromote(@ZParams(VersionParams) p: VersionParams, @ZQuery(ShouldPromoteQuery) query: ShouldPromoteQuery) {
    return this.lifecycle.shouldPromote(p.name, p.version, query);
  }

  @Post('rollback')
  @HttpCode(200)
  @RequireScope('admin')
  @ApiDoc({
    summary: 'Put the previous production version (or `to`) back into production',
    response: RollbackResponse,
    tags: ['lifecycle'],
    errors: [APPROVALS_MISSING_DOC],
  })
  rollback(@ZParams(ModelParams) p: ModelParams, @ZBody(RollbackBody) body: RollbackBody, @CurrentPrincipal() who: Principal) {
    return this.lifecycle.rollback(p.name, body, who);
  }

  @Post('retention')
  @HttpCode(200)
  @RequireScope('admin')
  @ApiDoc({
    summary: 'Archive all but the latest N versions (never production or aliased ones)',
    response: RetentionResponse,
    tags: ['lifecycle'],
  })
  retention(@ZParams(ModelParams) p: ModelParams, @ZBody(RetentionBody) body: RetentionBody, @CurrentPrincipal() who: Principal) {
    return this.lifecycle.retention(p.name, body, who);
  }
}
