import { Controller, Delete, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { CreateTeamBody, PutTeamMemberBody, TeamMemberId, TeamMemberResponse, TeamName, TeamResponse } from '@modelyard/types';
import { z } from 'zod';
import { CurrentPrincipal, RequireScope, type Principal } from '../auth/principal.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { ZBody, ZParams } from '../validation/zod-validation.js';
import { TeamsService } from './teams.service.js';

const TeamParams = z.strictObject({ team: TeamName });
const MemberParams = z.strictObject({ team: TeamName, member: TeamMemberId });

/** Teams are platform-wide: only platform admins create them and manage their members. */
@Controller('v1/teams')
@RequireScope('admin')
export class TeamsController {
  constructor(@Inject(TeamsService) private readonly teams: TeamsService) {}

  @Post()
  @ApiDoc({ summary: 'Create a team', response: TeamResponse, status: 201, tags: ['teams'] })
  create(@ZBody(CreateTeamBody) body: CreateTeamBody, @CurrentPrincipal() who: Principal) {
    return this.teams.create(body, who.id);
  }

  @Get()
  @ApiDoc({ summary: 'List teams with their members', response: z.object({ items: z.array(TeamResponse) }), tags: ['teams'] })
  async list() {
    return { items: await this.teams.list() };
  }

  @Get(':team')
  @ApiDoc({ summary: 'Get a team with its members', response: TeamResponse, tags: ['teams'] })
  get(@ZParams(TeamParams) params: z.infer<typeof TeamParams>) {
    return this.teams.get(params.team);
  }

  @Put(':team/members/:member')
  @ApiDoc({
    summary: 'Add a member (a JWT subject, or key:<id>) or change its role',
    response: TeamMemberResponse,
    tags: ['teams'],
  })
  putMember(
    @ZParams(MemberParams) params: z.infer<typeof MemberParams>,
    @ZBody(PutTeamMemberBody) body: PutTeamMemberBody,
    @CurrentPrincipal() who: Principal,
  ) {
    return this.teams.putMember(params.team, params.member, body, who.id);
  }

  @Delete(':team/members/:member')
  @HttpCode(200)
  @ApiDoc({ summary: 'Remove a member from a team', response: TeamMemberResponse, tags: ['teams'] })
  removeMember(@ZParams(MemberParams) params: z.infer<typeof MemberParams>, @CurrentPrincipal() who: Principal) {
    return this.teams.removeMember(params.team, params.member, who.id);
  }
}
