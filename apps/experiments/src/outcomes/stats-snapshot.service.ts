import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Experiment } from '../experiments/experiment.js';
import { OutcomesStore } from './outcomes.store.js';
import { fromSnapshot, toSnapshot } from './stats-snapshot.js';
import { StatsRepository } from './stats.repository.js';

/**
 * The sufficient statistics live in Redis (OutcomesStore); the tick snapshots them to Postgres,
 * and puts the last snapshot back when Redis lost them.
 */
@Injectable()
export class StatsSnapshotService {
  private readonly logger = new Logger(StatsSnapshotService.name);

  constructor(
    @Inject(OutcomesStore) private readonly store: OutcomesStore,
    @Inject(StatsRepository) private readonly stats: StatsRepository,
  ) {}

  async snapshot(e: Pick<Experiment, 'id' | 'key'>): Promise<void> {
    const live = toSnapshot(await this.store.raw(e.id));
    if (live.length) {
      await this.stats.save(e.id, live);
      return;
    }
    const saved = await this.stats.load(e.id);
    if (!saved.length) return;
    // Redis lost the aggregates: results come back from the last snapshot.
    await this.store.restore(e.id, fromSnapshot(saved));
    this.logger.warn(`experiment ${e.key}: restored sufficient statistics from the snapshot`);
  }
}
