import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Experiment } from '../experiments/experiment.js';
import { OutcomesStore } from './outcomes.store.js';
import { fromSnapshot, lostSince, toSnapshot } from './stats-snapshot.js';
import { StatsRepository } from './stats.repository.js';

/**
 * The sufficient statistics live in Redis (OutcomesStore); the tick snapshots them to Postgres.
 * When Redis lost them, traffic may have counted again before the tick: the last snapshot is then
 * added to those live counts, never replaced by them (which lost everything before the loss) nor
 * put over them (which lost what came after).
 */
@Injectable()
export class StatsSnapshotService {
  private readonly logger = new Logger(StatsSnapshotService.name);

  constructor(
    @Inject(OutcomesStore) private readonly store: OutcomesStore,
    @Inject(StatsRepository) private readonly stats: StatsRepository,
  ) {}

  async snapshot(e: Pick<Experiment, 'id' | 'key'>): Promise<void> {
    if (!(await this.store.kept(e.id))) await this.recover(e);
    const live = toSnapshot(await this.store.raw(e.id));
    if (live.length) await this.stats.save(e.id, live);
  }

  /** No kept-marker: a new experiment, one snapshotted before the marker existed, or a Redis loss. */
  private async recover(e: Pick<Experiment, 'id' | 'key'>): Promise<void> {
    const saved = await this.stats.load(e.id);
    if (!lostSince(saved, await this.store.raw(e.id))) return this.store.markKept(e.id);
    if (await this.store.addBack(e.id, fromSnapshot(saved))) {
      this.logger.warn(`experiment ${e.key}: Redis lost its statistics; the last snapshot was added back to the traffic counted since`);
    }
  }
}
