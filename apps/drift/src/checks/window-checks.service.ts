import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from '@modelyard/platform';
import { compactCdf, retainedOf, sampleCdf, sortSample, type CompactKll } from '@modelyard/stats';
import type { DriftWindowCheckJob, TimeWindow, WindowCheckResponse, WindowFeatureDriftResponse } from '@modelyard/types';
import { layoutOf, type Monitor } from '../monitors/monitors.mapper.js';
import { MonitorsRepository } from '../monitors/monitors.repository.js';
import { ReferenceRepository } from '../reference/reference.repository.js';
import { RollUpStore } from '../window/roll-up-store.js';
import { HOUR_MS, type SealedSummary } from '../window/bucket-summary.js';
import { decodeChunks, TS, type Column } from '../window/window.codec.js';
import { WindowStore } from '../window/window.store.js';
import { runDriftTest, sortedValues, type ReferenceColumn } from './drift-tests.js';
import { overallSeverity } from './severity.js';
import { categoricalFromCounts, numericFromCdfs, type CdfSide } from './sketch-tests.js';

/** The epoch hours of a time window ending in the current hour (whole hours: buckets are hourly). */
export function windowHours(window: TimeWindow, nowMs: number): number[] {
  const count = 'lastHours' in window ? window.lastHours : window.lastDays * 24;
  const last = Math.floor(nowMs / HOUR_MS);
  return Array.from({ length: count }, (_, i) => last - count + 1 + i);
}

const finiteSorted = (x: Float64Array) => sortSample(x.filter((v) => !Number.isNaN(v)));

/** A numeric column's exact side; a stored reference feature is already sorted and NaN-free. */
function exactSide(column: { values: Float64Array; sorted?: boolean }): CdfSide {
  const sorted = column.sorted ? sortedValues(column) : finiteSorted(column.values);
  return { cdf: sampleCdf(sorted), exact: true, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export function sketchSide(sketch: CompactKll): CdfSide {
  // A sketch that never compacted holds every value: exact.
  return { cdf: compactCdf(sketch), exact: retainedOf(sketch) === sketch.n, min: sketch.min, max: sketch.max };
}

/**
 * Checks over a time window of record time (`{lastHours}` / `{lastDays}`), of any size, as the
 * worker runs them (`drift.window-check` jobs). When the window's records all sit in the hot window
 * (at most its raw cap), the exact tests run on them, as in a scheduled check; otherwise each
 * numeric feature is tested on the merge of its daily and hourly KLL sketches and each categorical
 * one on its merged category counts.
 */
@Injectable()
export class WindowChecksService {
  constructor(
    @Inject(MonitorsRepository) private readonly monitors: MonitorsRepository,
    @Inject(ReferenceRepository) private readonly references: ReferenceRepository,
    @Inject(RollUpStore) private readonly rollUps: RollUpStore,
    @Inject(WindowStore) private readonly window: WindowStore,
  ) {}

  /** One queued check; a check that can never succeed (monitor gone, no reference, no records) fails without retry. */
  async run(job: DriftWindowCheckJob): Promise<WindowCheckResponse> {
    const monitor = await this.monitors.find(job.monitorId);
    if (!monitor) throw new UnrecoverableError('the monitor was deleted');
    return this.check(monitor, job.window, Date.parse(job.requestedAt));
  }

  async check(monitor: Monitor, window: TimeWindow, nowMs: number): Promise<WindowCheckResponse> {
    const started = performance.now();
    if (monitor.referenceRows === 0) throw new UnrecoverableError('the monitor has no reference yet: upload one or freeze the window');
    const hours = windowHours(window, nowMs);
    const fromMs = hours[0]! * HOUR_MS;
    const summary = await this.rollUps.read(monitor.id, monitor.features, hours, nowMs);
    if (summary.records === 0) throw new UnrecoverableError('no records in this time window');
    const reference = await this.references.load(monitor.id, monitor.referenceVersion);
    const raw = await this.rawWindow(monitor, fromMs, summary.records);
    const features = monitor.features.flatMap((spec): WindowFeatureDriftResponse[] => {
      const ref = reference.get(spec.name);
      if (!ref) return [];
      const result = raw ? this.exactTest(spec, ref, raw.get(spec.name)!) : this.summaryTest(spec, ref, summary);
      return result ? [result] : [];
    });
    const drifted = features.filter((f) => f.drifted).length;
    const driftedShare = features.length ? drifted / features.length : 0;
    return {
      monitorId: monitor.id,
      from: new Date(fromMs).toISOString(),
      to: new Date((hours.at(-1)! + 1) * HOUR_MS).toISOString(),
      records: summary.records,
      method: features.some((f) => f.method === 'sketch') ? 'sketch' : 'exact',
      features,
      severity: overallSeverity(
        features.map((f) => f.severity),
        driftedShare,
      ),
      driftedShare,
      durationMs: performance.now() - started,
    };
  }

  /** The window's columns from the hot window, when it still holds every record of the time window. */
  private async rawWindow(monitor: Monitor, fromMs: number, records: number): Promise<Map<string, Column> | null> {
    if (records > monitor.windowSize) return null;
    const columns = decodeChunks(layoutOf(monitor), (await this.window.read(monitor.id)).chunks, monitor.windowSize);
    const ts = columns.values.get(TS) as Float64Array;
    const keep: number[] = [];
    for (let i = 0; i < columns.n; i++) if (ts[i]! >= fromMs) keep.push(i);
    if (keep.length !== records) return null;
    const out = new Map<string, Column>();
    for (const f of monitor.features) {
      const column = columns.values.get(f.name)!;
      out.set(f.name, column instanceof Float64Array ? Float64Array.from(keep, (i) => column[i]!) : keep.map((i) => column[i] ?? null));
    }
    return out;
  }

  private exactTest(spec: Monitor['features'][number], ref: ReferenceColumn, column: Column): WindowFeatureDriftResponse | null {
    const r = runDriftTest(spec, ref, column);
    const values = column instanceof Float64Array ? column.filter((v) => !Number.isNaN(v)).length : column.filter((v) => v !== null).length;
    return r && { ...r, method: 'exact', bound: 0, values };
  }

  private summaryTest(spec: Monitor['features'][number], ref: ReferenceColumn, summary: SealedSummary): WindowFeatureDriftResponse | null {
    const values = summary.present(spec.name);
    if (values === 0) return null;
    if (ref.kind === 'numeric') {
      const sketch = summary.numeric.get(spec.name);
      if (!sketch || ref.values.filter((v) => !Number.isNaN(v)).length === 0) return null;
      return { ...numericFromCdfs(spec, exactSide(ref), sketchSide(sketch)), values };
    }
    const counts = summary.counts.get(spec.name);
    if (!counts) return null;
    return { ...categoricalFromCounts(spec, new Map(Object.entries(ref.counts)), counts), values };
  }
}
