import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, ZBody, ZParams, type Principal, TeamResource } from '@modelyard/platform';
import { ApprovalBody, ApprovalsResponse } from '@modelyard/types';
import { VersionParams } from '../params.js';
import { ApprovalsService } from './approvals.service.js';

// Every route acts on one model: its team's roles decide when it has a team.
@TeamResource()
@Controller('v1/models/:name/versions/:version/approvals')
export class ApprovalsController {
  constructor(@Inject(ApprovalsService) private readonly approvals: ApprovalsService) {}

  // Write scope, like other version writes: the four-eyes rule (never the version's creator) and
  // the model's requiredApprovals are what protect production, not a stronger role.
  @Post()
  @HttpCode(200)
  @ApiDoc({
    summary: "Approve or reject the version for production (not by its creator); replaces the caller's earlier decision",
    response: ApprovalsResponse,
    tags: ['lifecycle'],
  })
  decide(@ZParams(VersionParams) p: VersionParams, @ZBody(ApprovalBody) body: ApprovalBody, @CurrentPrincipal() who: Principal) {
    return this.approvals.decide(p.name, p.version, body, who);
  }

  @Get()
  @ApiDoc({ summary: "The version's approvals against its model's requirement", response: ApprovalsResponse, tags: ['lifecycle'] })
  list(@ZParams(VersionParams) p: VersionParams) {
    return this.approvals.list(p.name, p.version);
  }
}
