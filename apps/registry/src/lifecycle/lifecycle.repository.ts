import { Inject, Injectable } from '@nestjs/common';
import type { ModelVersion } from '@modelyard/db';
import { Conflict, Forbidden, InvalidTransition, PrismaService } from '@modelyard/platform';
import { ALLOWED_TRANSITIONS, ErrorCode, type ShouldPromoteResponse, type Stage } from '@modelyard/types';
import { ApprovalsRepository } from '../approvals/approvals.repository.js';
import { ArtifactsRepository } from '../artifacts/artifacts.repository.js';
import { AuditRepository, type Tx } from '../audit/audit.repository.js';
import { lockModel, TX_OPTIONS } from '../models/model-lock.js';
import { compareDesc } from '../versions/version-names.js';
import { stageSnapshot } from '../versions/versions.mapper.js';
import { VersionsRepository } from '../versions/versions.repository.js';
import { parseReport } from '../validation/validation-report.js';
import { validationVerdict, type ValidationVerdict } from '../validation/validation-gate.js';
import { decidePromotion, metricPolicy, type PolicyInput, type PromotionPolicyInput } from './promotion-policy.js';

export interface StageChange {
  version: ModelVersion;
  /** The version that left production in the same transaction, if any. */
  archived: ModelVersion | null;
  from: Stage;
}

function assertAllowed(from: Stage, to: Stage) {
  if (!ALLOWED_TRANSITIONS[from].includes(to)) throw new InvalidTransition(from, to, ALLOWED_TRANSITIONS[from]);
}

@Injectable()
export class LifecycleRepository {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(VersionsRepository) private readonly versions: VersionsRepository,
    @Inject(ArtifactsRepository) private readonly artifacts: ArtifactsRepository,
    @Inject(ApprovalsRepository) private readonly approvals: ApprovalsRepository,
  ) {}

  /** The approvals check alone, for callers that must refuse before taking other steps. */
  async assertApproved(name: string, version: string): Promise<void> {
    await this.approvals.assertApproved(name, await this.versions.get(name, version));
  }

  private setStage(tx: Tx, id: string, stage: Stage) {
    // productionSlot mirrors stage = production; the unique index on it is the database's guarantee.
    return tx.modelVersion.update({
      where: { id },
      data: {
        stage,
        productionSlot: stage === 'production' ? true : null,
        stageChangedAt: new Date(),
        ...(stage === 'production' ? { productionAt: new Date() } : {}),
      },
    });
  }

  /** Moves `next` into production and archives the current production version, atomically. */
  private async enterProduction(tx: Tx, modelId: string, next: ModelVersion): Promise<ModelVersion | null> {
    const current = await tx.modelVersion.findFirst({ where: { modelId, stage: 'production' } });
    const archived = current ? await this.setStage(tx, current.id, 'archived') : null;
    await this.setStage(tx, next.id, 'production');
    return archived;
  }

  /** `mayLeaveProduction`: whether the caller may take a version out of production (admins). */
  transition(
    name: string,
    version: string,
    to: Stage,
    reason: string | undefined,
    actor: string,
    mayLeaveProduction: boolean,
  ): Promise<StageChange> {
    return this.prisma.$transaction(async (tx) => {
      await lockModel(tx, name);
      const row = await this.versions.get(name, version, tx);
      assertAllowed(row.stage, to);
      if (row.stage === 'production' && !mayLeaveProduction) throw new Forbidden('admin');
      const updated = await this.setStage(tx, row.id, to);
      await this.audit.record(tx, {
        model: name,
        action: 'version.stage_changed',
        actor,
        subject: `${name}@${version}`,
        before: stageSnapshot(row),
        after: stageSnapshot(updated),
        reason,
      });
      return { version: updated, archived: null, from: row.stage };
    }, TX_OPTIONS);
  }

  promote(
    name: string,
    version: string,
    policy: PromotionPolicyInput | undefined,
    reason: string | undefined,
    actor: string,
  ): Promise<StageChange & { decision: ShouldPromoteResponse | null }> {
    return this.prisma.$transaction(async (tx) => {
      const modelId = await lockModel(tx, name);
      const candidate = await this.versions.get(name, version, tx);
      if (candidate.stage === 'production') throw new Conflict(`${name}@${version} is already in production`);
      assertAllowed(candidate.stage, 'production');
      await this.approvals.assertApproved(name, candidate, tx);
      const current = await tx.modelVersion.findFirst({ where: { modelId, stage: 'production' } });
      const metric = policy && metricPolicy(policy);
      const decision = metric ? decidePromotion(asSide(candidate), current && asSide(current), metric) : null;
      const validation = policy?.requireValidation ? await this.validationVerdict(tx, candidate) : null;
      const reasons = [...(decision && !decision.promote ? [decision.reason] : []), ...(validation?.reasons ?? [])];
      if (reasons.length) {
        const extra = { reasons, decision, validation: validation && { ...validation, report: parseReport(candidate.validation) } };
        throw new Conflict(`promotion refused: ${reasons.join('; ')}`, extra, ErrorCode.policyRejected);
      }
      const archived = await this.enterProduction(tx, modelId, candidate);
      const promoted = await tx.modelVersion.findUniqueOrThrow({ where: { id: candidate.id } });
      await this.audit.record(tx, {
        model: name,
        action: 'version.promoted',
        actor,
        subject: `${name}@${version}`,
        before: { candidate: stageSnapshot(candidate), production: current && stageSnapshot(current) },
        after: { production: stageSnapshot(promoted), archived: archived && stageSnapshot(archived), decision },
        reason,
      });
      return { version: promoted, archived, from: candidate.stage, decision };
    }, TX_OPTIONS);
  }

  private async validationVerdict(tx: Tx, candidate: ModelVersion): Promise<ValidationVerdict> {
    const artifacts = await tx.artifact.findMany({ where: { versionId: candidate.id }, select: { sha256: true } });
    return validationVerdict(parseReport(candidate.validation), new Set(artifacts.map((a) => a.sha256)));
  }

  rollback(name: string, to: string | undefined, reason: string | undefined, actor: string): Promise<StageChange> {
    return this.prisma.$transaction(async (tx) => {
      const modelId = await lockModel(tx, name);
      const current = await tx.modelVersion.findFirst({ where: { modelId, stage: 'production' } });
      const target = to
        ? await this.versions.get(name, to, tx)
        : await tx.modelVersion.findFirst({
            where: { modelId, stage: 'archived', productionAt: { not: null } },
            orderBy: { productionAt: 'desc' },
          });
      if (!target) throw new Conflict(`model '${name}' has no earlier production version to roll back to`);
      if (target.stage === 'production') throw new Conflict(`${name}@${target.version} is already in production`);
      // Rollback may also return an archived version, which a plain transition may not.
      if (target.stage !== 'archived' && target.stage !== 'staging') {
        throw new InvalidTransition(target.stage, 'production', ALLOWED_TRANSITIONS[target.stage]);
      }
      // A version that was in production before goes back without new approvals (it passed the
      // rule of its time, and a rollback is the way out of an incident); one that never was is a
      // promotion under another name and needs them.
      if (!target.productionAt) await this.approvals.assertApproved(name, target, tx);
      const archived = await this.enterProduction(tx, modelId, target);
      const restored = await tx.modelVersion.findUniqueOrThrow({ where: { id: target.id } });
      await this.audit.record(tx, {
        model: name,
        action: 'version.rolled_back',
        actor,
        subject: `${name}@${target.version}`,
        before: { production: current && stageSnapshot(current) },
        after: { production: stageSnapshot(restored), archived: archived && stageSnapshot(archived) },
        reason,
      });
      return { version: restored, archived, from: target.stage };
    }, TX_OPTIONS);
  }

  /**
   * Archives all but the newest `keepLatest` versions, never the production or an aliased one.
   * The versions it archives release their artifacts (the blobs are collected afterwards unless
   * another version still uses them); versions archived earlier, e.g. by a promotion, keep theirs
   * so a rollback still has its files. `releasedAt` identifies the run.
   */
  retention(name: string, keepLatest: number, dryRun: boolean, actor: string) {
    return this.prisma.$transaction(async (tx) => {
      const modelId = await lockModel(tx, name);
      const rows = (await tx.modelVersion.findMany({ where: { modelId } })).sort((a, b) => compareDesc(a.version, b.version));
      const aliased = new Set((await tx.modelAlias.findMany({ where: { modelId } })).map((a) => a.version));
      const newest = new Set(rows.slice(0, keepLatest).map((r) => r.version));
      const toArchive = rows.filter(
        (r) => !newest.has(r.version) && !aliased.has(r.version) && r.stage !== 'production' && r.stage !== 'archived',
      );
      const releasedAt = new Date();
      if (!dryRun) {
        await this.artifacts.release(
          tx,
          toArchive.map((r) => r.id),
          releasedAt,
        );
        for (const row of toArchive) {
          await this.setStage(tx, row.id, 'archived');
          await this.audit.record(tx, {
            model: name,
            action: 'version.stage_changed',
            actor,
            subject: `${name}@${row.version}`,
            before: stageSnapshot(row),
            after: { version: row.version, stage: 'archived' },
            reason: `retention: keep the latest ${keepLatest}`,
          });
        }
      }
      const archivedNow = new Set(toArchive.map((r) => r.version));
      return {
        archived: toArchive.map((r) => r.version),
        kept: rows.filter((r) => !archivedNow.has(r.version) && r.stage !== 'archived').map((r) => r.version),
        dryRun,
        releasedAt,
      };
    }, TX_OPTIONS);
  }

  async shouldPromote(name: string, version: string, policy: PolicyInput): Promise<ShouldPromoteResponse> {
    const candidate = await this.versions.get(name, version);
    const production = await this.versions.production(name);
    return decidePromotion(asSide(candidate), production && asSide(production), policy);
  }
}

function asSide(row: ModelVersion) {
  return { version: row.version, metrics: row.metrics as Record<string, number> };
}
