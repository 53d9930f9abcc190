import { Inject, Injectable } from '@nestjs/common';
import { Conflict, ValidationFailed } from '@modelyard/platform';
import type { IngestRecordsBody } from '@modelyard/types';
import { DriftMetrics } from '../drift.metrics.js';
import { layoutOf } from '../monitors/monitors.mapper.js';
import { MonitorsRepository } from '../monitors/monitors.repository.js';
import { encodeChunk, LABEL, LATENCY, PREDICTION, SUCCESS, TS } from '../window/window.codec.js';
import { RECENT_RECORDS, WindowStore, type HourlyDelta } from '../window/window.store.js';
import { recordsToColumns } from './records.columns.js';

const HOUR_MS = 3_600_000;

@Injectable()
export class RecordsService {
  constructor(
    @Inject(MonitorsRepository) private readonly monitors: MonitorsRepository,
    @Inject(WindowStore) private readonly window: WindowStore,
    @Inject(DriftMetrics) private readonly metrics: DriftMetrics,
  ) {}

  /** Validates the whole batch, then stores it in one Redis transaction: all of it or none. */
  async ingest(monitorId: string, body: IngestRecordsBody) {
    const monitor = await this.monitors.get(monitorId);
    if (monitor.status === 'paused') throw new Conflict(`monitor '${monitor.name}' is paused; resume it to ingest`);
    const now = Date.now();
    const { columns, errors } = recordsToColumns(monitor, body.records, now);
    if (errors.length) throw new ValidationFailed(errors);

    const ts = columns.values.get(TS) as Float64Array;
    const recent = body.records.slice(-RECENT_RECORDS).map((r, j, tail) => {
      const i = body.records.length - tail.length + j;
      return JSON.stringify({ ...r, ts: new Date(ts[i]!).toISOString() });
    });
    const hourly = this.hourly(columns.n, columns.values, ts);
    const recordsIngested = await this.window.append(
      monitor.id,
      monitor.windowSize,
      encodeChunk(layoutOf(monitor), columns),
      columns.n,
      recent,
      hourly,
    );
    this.metrics.recordsIngested.inc(columns.n);
    return { accepted: columns.n, recordsIngested };
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
