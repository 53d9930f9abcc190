import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Conflict, ValidationFailed } from '@modelyard/platform';
import type { IngestRecordsBody } from '@modelyard/types';
import { DriftMetrics } from '../drift.metrics.js';
import { LabelIndex, MAX_TRACKED_IDS } from '../labels/label-index.js';
import { layoutOf } from '../monitors/monitors.mapper.js';
import { MonitorsRepository } from '../monitors/monitors.repository.js';
import { summariesByHour } from '../window/bucket-summary.js';
import { BucketStore } from '../window/bucket-store.js';
import { encodeChunk, ID, LABEL, LATENCY, PREDICTION, SUCCESS, TS } from '../window/window.codec.js';
import { RECENT_RECORDS, WindowStore, type HourlyDelta } from '../window/window.store.js';
import { recordsToColumns } from './records.columns.js';

const HOUR_MS = 3_600_000;

@Injectable()
export class RecordsService {
  private readonly logger = new Logger(RecordsService.name);

  constructor(
    @Inject(MonitorsRepository) private readonly monitors: MonitorsRepository,
    @Inject(WindowStore) private readonly window: WindowStore,
    @Inject(LabelIndex) private readonly labels: LabelIndex,
    @Inject(DriftMetrics) private readonly metrics: DriftMetrics,
    @Inject(BucketStore) private readonly buckets: BucketStore,
  ) {}

  /**
   * Validates the whole batch, then stores it in one Redis transaction: all of it or none, with
   * each record's id (the client's or a generated one) in the window and in the label index.
   */
  async ingest(monitorId: string, body: IngestRecordsBody) {
    const monitor = await this.monitors.get(monitorId);
    if (monitor.status === 'paused') throw new Conflict(`monitor '${monitor.name}' is paused; resume it to ingest`);
    const now = Date.now();
    const { columns, errors, invalid } = recordsToColumns(monitor, body.records, now);
    if (errors.length) throw new ValidationFailed(errors);
    const ids = body.records.map((r) => r.id ?? randomUUID());
    columns.values.set(ID, ids);

    const ts = columns.values.get(TS) as Float64Array;
    const recent = body.records.slice(-RECENT_RECORDS).map((r, j, tail) => {
      const i = body.records.length - tail.length + j;
      return JSON.stringify({ ...r, id: ids[i], ts: new Date(ts[i]!).toISOString() });
    });
    const hourly = this.hourly(columns.n, columns.values, ts);
    const horizonMs = monitor.labelHorizonSeconds * 1000;
    // Hourly summaries for windows beyond the raw cap, pushed in the batch's own MULTI.
    const summaries = summariesByHour(monitor.features, columns);
    const { recordsIngested, more } = await this.window.append(
      monitor.id,
      monitor.windowSize,
      encodeChunk(layoutOf(monitor), columns),
      columns.n,
      recent,
      hourly,
      (multi) => {
        this.buckets.append(multi, monitor.id, summaries);
        // Last: its result (ids evicted from the label index) is read as `more.at(-1)`.
        this.labels.track(multi, monitor.id, ids, now, horizonMs);
      },
    );
    await this.buckets.compactLong(monitor.id, monitor.features, summaries.keys());
    this.metrics.recordsIngested.inc(columns.n);
    if (invalid) this.metrics.invalidValues.inc(invalid);
    this.countEvictions(monitor.name, Number(more.at(-1) ?? 0));
    return { accepted: columns.n, recordsIngested, ids, invalidValues: invalid };
  }

  /** Ids pushed out of the label index by its cap, before their horizon: their late labels will not join. */
  private countEvictions(monitor: string, evicted: number) {
    if (evicted <= 0) return;
    this.metrics.labelIndexEvicted.inc(evicted);
    this.logger.warn(`monitor ${monitor}: ${evicted} record ids evicted from the label index (it tracks ${MAX_TRACKED_IDS} at most)`);
  }

  private hourly(n: number, values: Map<string, unknown>, ts: Float64Array): Map<number, HourlyDelta> {
    const out = new Map<number, HourlyDelta>();
    const success = values.get(SUCCESS) as Float64Array;
    const latency = values.get(LATENCY) as Float64Array;
    const pred = values.get(PREDICTION);
    const label = values.get(LABEL);
    for (let i = 0; i < n; i++) {
      const hour = Math.floor(ts[i]! / HOUR_MS);
      let d = out.get(hour);
      if (!d) out.set(hour, (d = { n: 0, successN: 0, success: 0, latencyN: 0, latencySum: 0, labelled: 0, correct: 0 }));
      d.n++;
      if (!Number.isNaN(success[i])) {
        d.successN++;
        d.success += success[i]!;
      }
      if (!Number.isNaN(latency[i])) {
        d.latencyN++;
        d.latencySum += latency[i]!;
      }
      // Accuracy for the dashboard: categorical predictions with a label.
      if (Array.isArray(pred) && Array.isArray(label) && pred[i] !== null && label[i] !== null) {
        d.labelled++;
        if (pred[i] === label[i]) d.correct++;
      }
    }
    return out;
  }

  async recent(monitorId: string, limit: number) {
    await this.monitors.get(monitorId);
    return { items: await this.window.recent(monitorId, limit) };
  }
}
