import { Inject, Injectable } from '@nestjs/common';
import type { ModelVersion } from '@modelyard/db';
import { PrismaService } from '@modelyard/platform';
import type { ApprovalBody, ApprovalsResponse } from '@modelyard/types';
import { AuditRepository, type Tx } from '../audit/audit.repository.js';
import { lockModel, TX_OPTIONS } from '../models/model-lock.js';
import { VersionsRepository } from '../versions/versions.repository.js';
import { approvalStanding, assertApproved, assertNotCreator } from './approval-gate.js';
import { toApprovalResponse } from './approvals.mapper.js';

/** The standing without the list of decisions, for audit entries. */
const counts = ({ by: _by, ...rest }: ApprovalsResponse) => rest;

@Injectable()
export class ApprovalsRepository {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(VersionsRepository) private readonly versions: VersionsRepository,
  ) {}

  /** The version's standing against its model's current requirement (oldest decision first). */
  async standing(version: Pick<ModelVersion, 'id' | 'modelId' | 'createdBy'>, db: Tx | PrismaService = this.prisma) {
    const model = await db.registeredModel.findUniqueOrThrow({ where: { id: version.modelId }, select: { requiredApprovals: true } });
    const rows = await db.versionApproval.findMany({ where: { versionId: version.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return approvalStanding(model.requiredApprovals, version.createdBy, rows.map(toApprovalResponse));
  }

  /**
   * The 409 a version gets while its approvals do not allow production. Inside a promotion's
   * transaction (under the model lock that decisions also take, so none slips in between the
   * check and the stage change), or alone as a pre-check.
   */
  async assertApproved(name: string, version: ModelVersion, db: Tx | PrismaService = this.prisma): Promise<void> {
    assertApproved(`${name}@${version.version}`, await this.standing(version, db));
  }

  /**
   * Records the actor's decision, replacing their earlier one, with its audit entry. Under the
   * model lock, so a promotion sees the decisions either before or after this one.
   */
  decide(name: string, version: string, body: ApprovalBody, actor: string): Promise<ApprovalsResponse> {
    return this.prisma.$transaction(async (tx) => {
      await lockModel(tx, name);
      const row = await this.versions.get(name, version, tx);
      const subject = `${name}@${version}`;
      assertNotCreator(subject, row.createdBy, actor);
      const key = { versionId_actor: { versionId: row.id, actor } };
      const earlier = await tx.versionApproval.findUnique({ where: key });
      const data = { decision: body.decision, comment: body.comment ?? null, createdAt: new Date() };
      await tx.versionApproval.upsert({ where: key, create: { versionId: row.id, actor, ...data }, update: data });
      const standing = await this.standing(row, tx);
      await this.audit.record(tx, {
        model: name,
        action: body.decision === 'approve' ? 'version.approved' : 'version.rejected',
        actor,
        subject,
        before: earlier && toApprovalResponse(earlier),
        after: { decision: body.decision, comment: data.comment, approvals: counts(standing) },
        reason: body.comment ?? null,
      });
      return standing;
    }, TX_OPTIONS);
  }
}
