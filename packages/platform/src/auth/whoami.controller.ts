import { Controller, Get, Inject } from '@nestjs/common';
import { WhoAmIResponse } from '@modelyard/types';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { TeamAccess } from '../teams/team-access.js';
import { TeamCheckedInHandler } from '../teams/team-resource.js';
import { CurrentPrincipal, RequireScope, type Principal } from './principal.js';

/**
 * The caller's own identity: lets a front end (the console's sign-in) check a credential and learn
 * its roles without side effects. Any valid credential may ask (`read` is every role's scope).
 */
@Controller('v1/auth')
export class WhoAmIController {
  constructor(@Inject(TeamAccess) private readonly teams: TeamAccess) {}

  @Get('whoami')
  @RequireScope('read')
  // A member of a team with no global role may ask too.
  @TeamCheckedInHandler()
  @ApiDoc({ summary: 'The identity, roles, scopes and team memberships of the credential sent', response: WhoAmIResponse, tags: ['auth'] })
  async whoAmI(@CurrentPrincipal() who: Principal): Promise<WhoAmIResponse> {
    const teams = await this.teams.rolesOf(who);
    return {
      kind: who.kind,
      id: who.id,
      roles: who.roles,
      scopes: [...who.scopes],
      teams: [...teams].sort(([a], [b]) => a.localeCompare(b)).map(([team, role]) => ({ team, role })),
      expiresAt: who.expiresAt ? new Date(who.expiresAt).toISOString() : null,
    };
  }
}
