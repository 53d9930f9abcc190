import { Inject, Injectable } from '@nestjs/common';
import { Forbidden, type Principal } from '@modelyard/platform';
import type { PromoteBody, RetentionBody, RollbackBody, ShouldPromoteQuery, TransitionBody } from '@modelyard/types';
import { ArtifactGc } from '../artifacts/artifact-gc.processor.js';
import { RegistryMetrics } from '../registry.metrics.js';
import { toVersionResponse } from '../versions/versions.mapper.js';
import { LifecycleRepository, type StageChange } from './lifecycle.repository.js';

@Injectable()
export class LifecycleService {
  constructor(
    @Inject(LifecycleRepository) private readonly lifecycle: LifecycleRepository,
    @Inject(RegistryMetrics) private readonly metrics: RegistryMetrics,
    @Inject(ArtifactGc) private readonly gc: ArtifactGc,
  ) {}

  private count(change: StageChange) {
    if (change.version.stage === 'production' || change.from === 'production') {
      this.metrics.promotions.inc({ from_stage: change.from, to_stage: change.version.stage });
    }
    if (change.archived) this.metrics.promotions.inc({ from_stage: 'production', to_stage: 'archived' });
  }

  async transition(name: string, version: string, body: TransitionBody, who: Principal) {
    // Entering or leaving production is a promotion decision: admins only, and through promote
    // so the previous production version is archived in the same transaction.
    if (body.to === 'production') return (await this.promote(name, version, { reason: body.reason }, who)).promoted;
    const change = await this.lifecycle.transition(name, version, body.to, body.reason, who.id, who.scopes.has('admin'));
    this.count(change);
    return toVersionResponse(name, change.version);
  }

  async promote(name: string, version: string, body: PromoteBody, who: Principal) {
    if (!who.scopes.has('admin')) throw new Forbidden('admin');
    const change = await this.lifecycle.promote(name, version, body.policy, body.reason, who.id);
    this.count(change);
    return {
      promoted: toVersionResponse(name, change.version),
      archived: change.archived?.version ?? null,
      decision: change.decision,
    };
  }

  /** Refuses (409 approvals_pending) while the version's approvals do not allow production. */
  assertApproved(name: string, version: string) {
    return this.lifecycle.assertApproved(name, version);
  }

  shouldPromote(name: string, version: string, query: ShouldPromoteQuery) {
    return this.lifecycle.shouldPromote(name, version, query);
  }

  async rollback(name: string, body: RollbackBody, who: Principal) {
    const change = await this.lifecycle.rollback(name, body.to, body.reason, who.id);
    this.count(change);
    return { production: toVersionResponse(name, change.version), archived: change.archived?.version ?? null };
  }

  async retention(name: string, body: RetentionBody, who: Principal) {
    const { releasedAt, ...result } = await this.lifecycle.retention(name, body.keepLatest, body.dryRun, who.id);
    if (!result.dryRun && result.archived.length) {
      await this.gc.schedule(`retention.${name}.${releasedAt.getTime()}`, `retention of ${name}`);
    }
    return result;
  }
}
