import { Inject, Injectable, Logger } from '@nestjs/common';
import { Forbidden, type Principal } from '@modelyard/platform';
import type { ConcludeBody, Conclusion } from '@modelyard/types';
import { toExperimentResponse, variantsOf } from '../experiments/experiments.mapper.js';
import { ExperimentsRepository } from '../experiments/experiments.repository.js';
import { RegistryClient } from '../registry.client.js';
import { ResultsService } from '../results/results.service.js';

/**
 * Ends an experiment with a recorded decision. A winner is declared only when the results
 * recommend shipping a treatment: significant on the primary metric (sequential p-value when
 * sequential), every guardrail passing, no sample ratio mismatch, minimum sample size reached.
 * With promotion, the winner's version is promoted through the registry's API, the experiment
 * key given as the reason, so the registry's audit log shows why.
 */
@Injectable()
export class ConclusionService {
  private readonly logger = new Logger(ConclusionService.name);

  constructor(
    @Inject(ExperimentsRepository) private readonly experiments: ExperimentsRepository,
    @Inject(ResultsService) private readonly results: ResultsService,
    @Inject(RegistryClient) private readonly registry: RegistryClient,
  ) {}

  async conclude(key: string, body: ConcludeBody, who: Principal) {
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
      promotionError = await this.registry.promote(before.model, version, `experiment ${key}: ${rec.reason}`);
      if (promotionError) this.logger.warn(`experiment ${key}: winner ${winner} not promoted: ${promotionError}`);
    } else if (promote) {
      promotionError = 'no winner to promote';
    }
    const conclusion: Conclusion = { ...base, promoted: promote && winner !== null && promotionError === null, promotionError };
    const row = await this.experiments.recordConclusion(key, conclusion);
    return { experiment: toExperimentResponse(row), conclusion };
  }
}
