import { Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiDoc, CurrentPrincipal, RequireScope, ZBody, ZParams, type Principal, TeamResource } from '@modelyard/platform';
import { ValidationReport, ValidationReportBody } from '@modelyard/types';
import { VersionParams } from '../params.js';
import { ValidationService } from './validation.service.js';

// Every route acts on one model: its team's roles decide when it has a team.
@TeamResource()
@Controller('v1/models/:name/versions/:version/validation')
export class ValidationController {
  constructor(@Inject(ValidationService) private readonly validation: ValidationService) {}

  // A passing report opens the way to production under `requireValidation`, so writing one is an
  // admin act, like promotion itself: the serving service's credential carries it, editors do not
  // (they could otherwise vouch for their own version); an admin gains nothing, as they may promote
  // without the policy anyway. The registry records which credential wrote each report.
  @Put()
  @RequireScope('admin')
  @ApiDoc({
    summary: "Record the version's validation report (serving writes it when it loads or validates a version)",
    response: ValidationReport,
    tags: ['versions'],
  })
  record(
    @ZParams(VersionParams) p: VersionParams,
    @ZBody(ValidationReportBody) body: ValidationReportBody,
    @CurrentPrincipal() who: Principal,
  ) {
    return this.validation.record(p.name, p.version, body, who);
  }

  @Get()
  @ApiDoc({ summary: "The version's newest validation report (404 when it has none)", response: ValidationReport, tags: ['versions'] })
  get(@ZParams(VersionParams) p: VersionParams) {
    return this.validation.get(p.name, p.version);
  }
}
