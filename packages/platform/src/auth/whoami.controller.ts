import { Controller, Get } from '@nestjs/common';
import { WhoAmIResponse } from '@modelyard/types';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { CurrentPrincipal, RequireScope, type Principal } from './principal.js';

/**
 * The caller's own identity: lets a front end (the console's sign-in) check a credential and learn
 * its roles without side effects. Any valid credential may ask (`read` is every role's scope).
 */
@Controller('v1/auth')
export class WhoAmIController {
  @Get('whoami')
  @RequireScope('read')
  @ApiDoc({ summary: 'The identity, roles and scopes of the credential sent', response: WhoAmIResponse, tags: ['auth'] })
  whoAmI(@CurrentPrincipal() who: Principal): WhoAmIResponse {
    return {
      kind: who.kind,
      id: who.id,
      roles: who.roles,
      scopes: [...who.scopes],
      expiresAt: who.expiresAt ? new Date(who.expiresAt).toISOString() : null,
    };
  }
}
