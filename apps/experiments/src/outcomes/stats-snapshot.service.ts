import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Experiment } from '../experiments/experiment.js';
import { OutcomesStore } from './outcomes.store.js';
import { unitsOf, wantsHistoryRow } from './stats-history.js';
import { StatsHistoryRepository } from './stats-history.repository.js';
import { fromSnapshot, lostSince, toSnapshot, type StatValue } from './stats-snapshot.js';
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
    @Inject(StatsHistoryRepository) private readonly history: StatsHistoryRepository,
  ) {}

  async snapshot(e: Pick<Experiment, 'id' | 'key'>, now = new Date()): Promise<void> {
    if (!(await this.store.kept(e.id))) await this.recover(e);
    const live = toSnapshot(await this.store.raw(e.id));
    if (!live.length) return;
    await this.stats.save(e.id, live);
    await this.record(e.id, live, now);
  }

  /** Into the history when it grew enough since the last row (stats-history.ts). */
  private async record(experimentId: string, live: StatValue[], now: Date): Promise<void> {
    const last = await this.history.last(experimentId);
    // Breakdown slices (`@dim|value|…`) stay out of the history: it plots the overall comparisons.
    const overall = live.filter((s) => !s.metric.startsWith('@'));
    if (wantsHistoryRow(unitsOf(overall), last, now)) await this.history.append(experimentId, (last?.seq ?? 0) + 1, overall, now);
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
