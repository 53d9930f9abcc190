import { Inject, Injectable } from '@nestjs/common';
import { ChangeAnnouncer } from '@modelyard/platform';
import { CHANGE_NOTICES } from '@modelyard/types';
import type { Experiment } from '../experiments/experiment.js';
import { SYSTEM_ACTOR } from '../experiments/experiments.audit.js';
import { ExperimentsRepository } from '../experiments/experiments.repository.js';
import { OutcomesStore } from '../outcomes/outcomes.store.js';
import { summaryIn } from '../results/results-input.js';
import { nextWeights } from './weight-periods.js';

/**
 * Re-weighs running bandits at every tick from their current results. Units already assigned keep
 * their variant (assignments are sticky); only new units follow the new weights. Each change
 * starts a weight period, recorded with the units counted so far, so the SRM check and the
 * per-period results know which weights were in force for which units.
 */
@Injectable()
export class BanditService {
  constructor(
    @Inject(ExperimentsRepository) private readonly experiments: ExperimentsRepository,
    @Inject(OutcomesStore) private readonly store: OutcomesStore,
    @Inject(ChangeAnnouncer) private readonly announcer: ChangeAnnouncer,
  ) {}

  async reweigh(e: Experiment, now: Date): Promise<void> {
    if (e.type !== 'bandit' || !e.bandit || e.status !== 'running') return;
    const metric = e.primaryMetric.name;
    const keys = e.variants.map((v) => v.key);
    const summaries = await this.store.summaries(e.id, keys, [metric]);
    const perVariant = keys.map((k) => summaryIn(summaries, k, metric));
    const weights = nextWeights(
      e.bandit,
      e.primaryMetric,
      perVariant,
      e.variants.map((v) => v.weight),
    );
    if (!weights) return;
    const period = { from: now.toISOString(), weights, unitsAtStart: perVariant.map((s) => s.n) };
    const change = (current: Experiment) => ({
      variants: current.variants.map((v, i) => ({ ...v, weight: weights[i]! })),
      weightPeriods: [...current.weightPeriods, period],
      bumpRevision: true,
    });
    const updated = await this.experiments.update(e.key, change, { actor: SYSTEM_ACTOR, reason: 'bandit re-weighing (Thompson sampling)' });
    await this.announcer.announce(CHANGE_NOTICES.experiment, updated.model);
  }
}
