import { Inject, Injectable } from '@nestjs/common';
import type { Prisma } from '@modelyard/db';
import { PrismaService } from '@modelyard/platform';
import type { ValidationReport } from '@modelyard/types';
import { AuditRepository } from '../audit/audit.repository.js';
import { lockModel, TX_OPTIONS } from '../models/model-lock.js';
import { VersionsRepository } from '../versions/versions.repository.js';
import { parseReport } from './validation-report.js';

/** A report's headline for the audit log; the full report is in the `after` of its own entry. */
const headline = (r: ValidationReport | null) => r && { status: r.status, validator: r.validator, validatedAt: r.validatedAt };

@Injectable()
export class ValidationRepository {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(VersionsRepository) private readonly versions: VersionsRepository,
  ) {}

  /**
   * Replaces the version's newest report, with its audit entry (the history of reports). Under the
   * model lock, so a promotion that requires a passing report sees either the old or the new one.
   */
  record(name: string, version: string, report: ValidationReport, actor: string) {
    return this.prisma.$transaction(async (tx) => {
      await lockModel(tx, name);
      const row = await this.versions.get(name, version, tx);
      const updated = await tx.modelVersion.update({
        where: { id: row.id },
        data: { validation: report as unknown as Prisma.InputJsonValue },
      });
      await this.audit.record(tx, {
        model: name,
        action: 'version.validated',
        actor,
        subject: `${name}@${version}`,
        before: headline(parseReport(row.validation)),
        after: report,
      });
      return updated;
    }, TX_OPTIONS);
  }
}
