import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChangeAnnouncer, type Principal } from '@modelyard/platform';
import { CHANGE_NOTICES, scopesOf, type ConcludeBody, type Conclusion } from '@modelyard/types';
import type { Experiment } from '../experiments/experiment.js';
import { toExperimentResponse } from '../experiments/experiments.mapper.js';
import { SYSTEM_ACTOR, type ChangeBy } from '../experiments/experiments.audit.js';
import { ExperimentsRepository } from '../experiments/experiments.repository.js';
import { RegistryClient } from '../registry.client.js';
import type { Recommendation } from '../results/recommendation.js';
import { ResultsService } from '../results/results.service.js';
import {
  automaticConclusion,
  finalConclusion,
  pendingConclusion,
  promotionReason,
  promotionWanted,
  winnerOf,
  type AutomaticReason,
  type PromotionOutcome,
} from './conclusion-policy.js';

/** The service itself, concluding on its own (maximum duration, autoPromote). */
export const SERVICE_PRINCIPAL: Principal = {
  kind: 'jwt',
  id: 'service:experiments',
  roles: ['admin'],
  scopes: scopesOf(['admin']),
  teams: new Map(),
};

/**
 * Ends an experiment with a recorded decision. A winner is declared only when the results
 * recommend shipping a treatment: significant on the primary metric (sequential p-value when
 * sequential), every guardrail passing, no sample ratio mismatch, minimum sample size reached.
 * With promotion, the winner's version is promoted through the registry's API; the reason names
 * the experiment and the person behind the decision (who concluded, or for an automatic promotion
 * the admin who enabled autoPromote), so the registry's audit log shows why and for whom.
 */
@Injectable()
export class ConclusionService {
  private readonly logger = new Logger(ConclusionService.name);

  constructor(
    @Inject(ExperimentsRepository) private readonly experiments: ExperimentsRepository,
    @Inject(ResultsService) private readonly results: ResultsService,
    @Inject(RegistryClient) private readonly registry: RegistryClient,
    @Inject(ChangeAnnouncer) private readonly announcer: ChangeAnnouncer,
  ) {}

  conclude(key: string, body: ConcludeBody, who: Principal) {
    return this.finish(key, body, who, `concluded by ${who.id}`, { actor: who.id, reason: body.reason ?? null });
  }

  /** The tick's conclusion (see `automaticConclusion`). */
  concludeAutomatically(e: Experiment, reason: AutomaticReason) {
    const { body, onBehalf } = automaticConclusion(e, reason);
    // The tick acts on its own; the audit's reason names why, and whose autoPromote it follows.
    return this.finish(e.key, body, SERVICE_PRINCIPAL, onBehalf, { actor: SYSTEM_ACTOR, reason: `${reason}; ${onBehalf}` });
  }

  private async finish(key: string, body: ConcludeBody, who: Principal, onBehalf: string, by: ChangeBy) {
    const before = await this.experiments.get(key);
    const promote = promotionWanted(body, before, who);
    const recommendation = (await this.results.of(before)).recommendation;
    const base = {
      winner: winnerOf(recommendation, before.control),
      recommendation,
      concludedBy: who.id,
      concludedAt: new Date().toISOString(),
      reason: body.reason ?? null,
    };
    await this.experiments.claimConclusion(key, pendingConclusion(base), by);
    // Serving stops routing units to it now (the winner's promotion is announced by the registry).
    await this.announcer.announce(CHANGE_NOTICES.experiment, before.model);
    const outcome = promote && base.winner ? await this.promote(before, base.winner, recommendation, onBehalf) : null;
    const conclusion = finalConclusion(base, promote, outcome);
    const concluded = await this.experiments.recordConclusion(key, conclusion, by);
    return { experiment: toExperimentResponse(concluded), conclusion };
  }

  /** Promotes the winner's version in the registry: what the registry answered, or why it was not asked. */
  private async promote(e: Experiment, winner: string, rec: Recommendation, onBehalf: string): Promise<PromotionOutcome | string> {
    const version = e.variants.find((v) => v.key === winner)?.version;
    if (!version) return `variant ${winner} is not a variant of the experiment`;
    const reason = promotionReason(e.key, rec.reason, onBehalf);
    const refusal = await this.registry.promote(e.model, version, reason);
    if (refusal) this.logger.warn(`experiment ${e.key}: winner ${winner} not promoted: ${refusal.message}`);
    return { refusal, version, reason };
  }

  /**
   * Asks the registry again for a concluded experiment's winner that waits for approvals (the
   * tick's call): promoted once they are given; a refusal for any other reason ends the wait.
   */
  async retryAwaitingPromotion(e: Experiment): Promise<Conclusion | null> {
    const waiting = e.conclusion?.awaitingApprovals;
    if (!e.conclusion || !waiting) return null;
    const refusal = await this.registry.promote(e.model, waiting.version, waiting.reason);
    if (refusal?.awaitingApprovals) return e.conclusion;
    const conclusion: Conclusion = {
      ...e.conclusion,
      promoted: refusal === null,
      promotionError: refusal?.message ?? null,
      awaitingApprovals: null,
    };
    const reason = refusal ? `promotion refused after waiting for approvals` : 'promoted once approved';
    await this.experiments.recordConclusion(e.key, conclusion, { actor: SYSTEM_ACTOR, reason });
    if (refusal) this.logger.warn(`experiment ${e.key}: winner not promoted after waiting for approvals: ${refusal.message}`);
    return conclusion;
  }
}
