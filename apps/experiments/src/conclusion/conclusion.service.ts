import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Experiment } from '@modelyard/db';
import { Forbidden, type Principal } from '@modelyard/platform';
import { scopesOf, type ConcludeBody, type Conclusion } from '@modelyard/types';
import { toExperimentResponse, variantsOf } from '../experiments/experiments.mapper.js';
import { ExperimentsRepository } from '../experiments/experiments.repository.js';
import { RegistryClient } from '../registry.client.js';
import { ResultsService } from '../results/results.service.js';

/** The service itself, concluding on its own (maximum duration, autoPromote). */
export const SERVICE_PRINCIPAL: Principal = {
  kind: 'jwt',
  id: 'service:experiments',
  roles: ['admin'],
  scopes: scopesOf(['admin']),
};
/** The registry's limit on a promotion reason. */
const REASON_MAX = 1000;

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
  ) {}

  conclude(key: string, body: ConcludeBody, who: Principal) {
    return this.finish(key, body, who, `concluded by ${who.id}`);
  }

  /**
   * The tick's conclusion, as the service itself. It promotes only what an admin enabled (an
   * experiment with no one on record promotes nothing), and names them in the registry's audit.
   */
  concludeAutomatically(e: Experiment, reason: string) {
    const enabledBy = e.autoPromote ? e.autoPromoteEnabledBy : null;
    const onBehalf = enabledBy ? `auto-promotion enabled by ${enabledBy}` : 'concluded automatically';
    return this.finish(e.key, { promote: enabledBy !== null, reason }, SERVICE_PRINCIPAL, onBehalf);
  }

  private async finish(key: string, body: ConcludeBody, who: Principal, onBehalf: string) {
    const before = await this.experiments.get(key);
    const promote = body.promote ?? before.autoPromote;
    if (promote && !who.scopes.has('admin')) throw new Forbidden('admin');
    const results = await this.results.of(before);
    const rec = results.recommendation;
    const winner = rec.action === 'ship' && rec.variant && rec.variant !== before.control ? rec.variant : null;
    const base: Omit<Conclusion, 'promoted' | 'promotionError'> = {
      winner,
      recommendation: rec,
      concludedBy: who.id,
      concludedAt: new Date().toISOString(),
      reason: body.reason ?? null,
    };
    await this.experiments.claimConclusion(key, { ...base, promoted: false, promotionError: 'promotion pending' });

    let promotionError: string | null = null;
    if (promote && winner) {
      const version = variantsOf(before).find((v) => v.key === winner)!.version;
      const reason = `experiment ${key}: ${rec.reason}; ${onBehalf}`.slice(0, REASON_MAX);
      promotionError = await this.registry.promote(before.model, version, reason);
      if (promotionError) this.logger.warn(`experiment ${key}: winner ${winner} not promoted: ${promotionError}`);
    } else if (promote) {
      promotionError = 'no winner to promote';
    }
    const conclusion: Conclusion = { ...base, promoted: promote && winner !== null && promotionError === null, promotionError };
    const row = await this.experiments.recordConclusion(key, conclusion);
    return { experiment: toExperimentResponse(row), conclusion };
  }
}
