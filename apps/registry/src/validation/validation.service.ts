import { Inject, Injectable } from '@nestjs/common';
import { NotFound, type Principal } from '@modelyard/platform';
import type { ValidationReport, ValidationReportBody } from '@modelyard/types';
import { VersionsRepository } from '../versions/versions.repository.js';
import { ValidationRepository } from './validation.repository.js';
import { parseReport, stampReport } from './validation-report.js';

@Injectable()
export class ValidationService {
  constructor(
    @Inject(ValidationRepository) private readonly validation: ValidationRepository,
    @Inject(VersionsRepository) private readonly versions: VersionsRepository,
  ) {}

  /** `validatedBy` and `validatedAt` are the registry's: a validator cannot sign for another. */
  async record(name: string, version: string, body: ValidationReportBody, who: Principal): Promise<ValidationReport> {
    const report = stampReport(body, who.id, new Date());
    await this.validation.record(name, version, report, who.id);
    return report;
  }

  async get(name: string, version: string): Promise<ValidationReport> {
    const report = parseReport((await this.versions.get(name, version)).validation);
    if (!report) throw new NotFound('validation report of version', `${name}@${version}`);
    return report;
  }
}
