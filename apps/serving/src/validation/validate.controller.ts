import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiDoc, ZParams, TeamResource } from '@modelyard/platform';
import { ValidateVersionResponse } from '@modelyard/types';
import { VersionParams } from '../params.js';
import { ValidateService } from './validate.service.js';

// Every route acts on one model: its team's roles decide when it has a team.
@TeamResource()
@Controller('v1/models')
export class ValidateController {
  constructor(@Inject(ValidateService) private readonly validation: ValidateService) {}

  // The default `write` scope: the caller only asks; serving runs the checks itself and records
  // the report with its own credential, so nobody can hand the registry a report of their making.
  @Post(':name/versions/:version/validate')
  @HttpCode(200)
  @ApiDoc({
    summary: "Validate a version now (loading it if needed) and record the report on the registry's version",
    response: ValidateVersionResponse,
    tags: ['models'],
  })
  validate(@ZParams(VersionParams) p: VersionParams) {
    return this.validation.validate(p.name, p.version);
  }
}
