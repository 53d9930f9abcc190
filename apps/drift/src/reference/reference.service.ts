import { Inject, Injectable } from '@nestjs/common';
import { Conflict, ValidationFailed, type FieldError } from '@modelyard/platform';
import type { DriftRecord, ReferenceBody, ReferenceFromRangeBody } from '@modelyard/types';
import type { ReferenceColumn } from '../checks/drift-tests.js';
import { layoutOf, type Monitor } from '../monitors/monitors.mapper.js';
import { MonitorsRepository } from '../monitors/monitors.repository.js';
import { recordsToColumns } from '../records/records.columns.js';
import { positiveClassOf } from '@modelyard/stats';
import { invalidByFeature } from '../checks/data-quality.js';
import { calibrationColumns } from '../checks/estimated-performance.js';
import { LabelIndex } from '../labels/label-index.js';
import { applyLateLabels } from '../labels/late-labels.js';
import { CONFIDENCE, decodeChunks, ID, INVALID, LABEL, LATENCY, PREDICTION, SUCCESS, TS, type Columns } from '../window/window.codec.js';
import { BUCKET_TTL_SECONDS } from '../window/bucket-store.js';
import { RollUpStore } from '../window/roll-up-store.js';
import { HOUR_MS } from '../window/bucket-summary.js';
import { WindowStore } from '../window/window.store.js';
import { referenceFromSummary } from './from-range.js';
import { emptyCounts } from './reference.mapper.js';
import { MAX_REFERENCE_ROWS, ReferenceRepository, type ReferenceChange } from './reference.repository.js';

/** Reference columns kept: features, prediction, label, and the operational columns their z-scores compare against. */
const OPERATIONAL = new Set([PREDICTION, LABEL, CONFIDENCE, LATENCY, SUCCESS]);
const KEPT = (name: string) => !name.startsWith('$') || OPERATIONAL.has(name);

@Injectable()
export class ReferenceService {
  constructor(
    @Inject(MonitorsRepository) private readonly monitors: MonitorsRepository,
    @Inject(ReferenceRepository) private readonly references: ReferenceRepository,
    @Inject(WindowStore) private readonly window: WindowStore,
    @Inject(RollUpStore) private readonly rollUps: RollUpStore,
    @Inject(LabelIndex) private readonly labels: LabelIndex,
  ) {}

  async upload(monitorId: string, body: ReferenceBody, actor: string) {
    const monitor = await this.monitors.get(monitorId);
    const columns = 'records' in body ? this.fromRecords(monitor, body.records) : this.fromColumns(monitor, body.columns);
    return this.save(monitor, columns, body.append, { actor, source: 'upload' });
  }

  /** Freezes the current window as the baseline. */
  async fromWindow(monitorId: string, actor: string) {
    const monitor = await this.monitors.get(monitorId);
    const { chunks } = await this.window.read(monitor.id);
    const window = decodeChunks(layoutOf(monitor), chunks, monitor.windowSize);
    if (window.n === 0) throw new Conflict('the window is empty: ingest records first');
    return this.save(monitor, window, false, { actor, source: 'window' });
  }

  /**
   * The reference from the monitor's own records of [from, to) by record time: the merge of the
   * hourly summaries of the hours it touches (so widened to whole hours), stored precomputed.
   */
  async fromRange(monitorId: string, body: ReferenceFromRangeBody, actor: string) {
    const monitor = await this.monitors.get(monitorId);
    const from = Date.parse(body.from);
    const to = Date.parse(body.to);
    if (from >= to) throw new ValidationFailed([{ field: 'to', in: 'body', message: 'must be after from' }]);
    const oldest = Date.now() - BUCKET_TTL_SECONDS * 1000;
    if (from < oldest)
      throw new ValidationFailed([
        { field: 'from', in: 'body', message: `older than the ${BUCKET_TTL_SECONDS / 86_400}-day retention of hourly summaries` },
      ]);
    const hours: number[] = [];
    for (let h = Math.floor(from / HOUR_MS); h * HOUR_MS < to; h++) hours.push(h);
    const summary = await this.rollUps.read(monitor.id, monitor.features, hours);
    if (summary.records === 0) throw new Conflict('no records in this time range: ingest records with ts in it, or pick another range');
    const refs = referenceFromSummary(summary);
    const records = await this.recordsOfRange(monitor, hours[0]! * HOUR_MS, (hours[hours.length - 1]! + 1) * HOUR_MS);
    for (const [name, column] of this.toReference(monitor, records)) refs.set(name, column);
    const saved = await this.references.save(monitor.id, refs, false, { actor, source: 'range' });
    return { ...saved, columns: [...refs.keys()] };
  }

  /**
   * The prediction, label and operational columns of the range's records still held raw (the hot
   * window), late labels joined: what the hourly summaries do not keep. They give a range reference
   * the operational baselines and the CBPE calibration records the other reference kinds carry.
   */
  private async recordsOfRange(monitor: Monitor, fromMs: number, toMs: number): Promise<Columns> {
    const { chunks } = await this.window.read(monitor.id);
    const all = decodeChunks(layoutOf(monitor), chunks);
    const ids = all.values.get(ID);
    if (monitor.label && Array.isArray(ids)) {
      const found = await this.labels.lookup(monitor.id, ids);
      if (found) applyLateLabels(all, monitor.label.kind, found);
    }
    const ts = all.values.get(TS) as Float64Array;
    const rows: number[] = [];
    for (let i = 0; i < all.n; i++) if (ts[i]! >= fromMs && ts[i]! < toMs) rows.push(i);
    const values = new Map<string, Float64Array | (string | null)[]>();
    for (const name of [PREDICTION, LABEL, CONFIDENCE, LATENCY, SUCCESS]) {
      const column = all.values.get(name);
      if (column)
        values.set(name, column instanceof Float64Array ? Float64Array.from(rows, (i) => column[i]!) : rows.map((i) => column[i] ?? null));
    }
    return { n: rows.length, values };
  }

  private fromRecords(monitor: Monitor, records: DriftRecord[]): Columns {
    // A reference is a deliberate baseline: a value of the wrong type in it is refused, whatever `onInvalid` says.
    const { columns, errors } = recordsToColumns({ ...monitor, onInvalid: 'reject' }, records, Date.now());
    if (errors.length) throw new ValidationFailed(errors);
    return columns;
  }

  /** `{columns: {name: values}}`: feature names, plus the prediction's and label's names. */
  private fromColumns(monitor: Monitor, input: Record<string, (number | string | boolean | null)[]>): Columns {
    const kinds = new Map<string, { column: string; kind: 'numeric' | 'categorical' }>(
      monitor.features.map((f) => [f.name, { column: f.name, kind: f.kind }]),
    );
    const { prediction, label } = monitor;
    if (prediction && !kinds.has(prediction.name)) kinds.set(prediction.name, { column: PREDICTION, kind: prediction.kind });
    if (label && !kinds.has(label.name)) kinds.set(label.name, { column: LABEL, kind: label.kind });
    const errors: FieldError[] = [];
    const values = new Map<string, Float64Array | (string | null)[]>();
    for (const [name, list] of Object.entries(input)) {
      const target = kinds.get(name);
      if (!target) {
        errors.push({ field: `columns.${name}`, in: 'body', message: `'${name}' is not a feature, prediction or label of this monitor` });
        continue;
      }
      const bad = list.findIndex((v) =>
        v === null ? false : target.kind === 'numeric' ? typeof v !== 'number' : typeof v === 'number' && !Number.isInteger(v),
      );
      if (bad >= 0) {
        errors.push({
          field: `columns.${name}.${bad}`,
          in: 'body',
          message: target.kind === 'numeric' ? 'expected a number' : 'expected a category',
        });
        continue;
      }
      // null is a missing value: NaN / null in the column, counted in the reference's missing share.
      values.set(
        target.column,
        target.kind === 'numeric'
          ? Float64Array.from(list, (v) => (v === null ? NaN : (v as number)))
          : list.map((v) => (v === null ? null : String(v))),
      );
    }
    if (errors.length) throw new ValidationFailed(errors);
    return { n: Math.max(0, ...[...values.values()].map((v) => v.length)), values };
  }

  /** Stores the reference of the records' columns (see toReference); answers its rows, version and column names. */
  private async save(monitor: Monitor, columns: Columns, append: boolean, by: ReferenceChange) {
    const refs = this.toReference(monitor, columns);
    if (columns.n > MAX_REFERENCE_ROWS)
      throw new ValidationFailed([{ field: 'columns', in: 'body', message: `at most ${MAX_REFERENCE_ROWS} rows` }]);
    const saved = await this.references.save(monitor.id, refs, append, by);
    return { ...saved, columns: [...refs.keys()] };
  }

  /**
   * The present values (or category counts) of each kept column and, for features, how many were
   * missing (absent or null; a frozen window's type violations are stored absent too, but are not
   * missing values), plus a binary classifier's calibration records.
   */
  private toReference(monitor: Monitor, columns: Columns): Map<string, ReferenceColumn> {
    const refs = new Map<string, ReferenceColumn>();
    const invalid = invalidByFeature(columns.values.get(INVALID), null);
    for (const [name, column] of columns.values) {
      if (!KEPT(name)) continue;
      const feature = !name.startsWith('$');
      if (column instanceof Float64Array) {
        const values = column.filter((v) => !Number.isNaN(v));
        const missing = feature ? column.length - values.length - (invalid.get(name)?.count ?? 0) : 0;
        if (values.length || missing) refs.set(name, { kind: 'numeric', values, missing });
        continue;
      }
      const counts = emptyCounts();
      let absent = 0;
      for (const v of column) {
        if (v === null) absent++;
        else counts[v] = (counts[v] ?? 0) + 1;
      }
      const missing = feature ? absent - (invalid.get(name)?.count ?? 0) : 0;
      if (Object.keys(counts).length || missing) refs.set(name, { kind: 'categorical', counts, missing });
    }
    // A binary classifier's records with prediction, label and confidence calibrate its performance estimate.
    const label = monitor.label;
    const positiveOf = (classes: string[]) => (classes.length <= 2 ? positiveClassOf(classes, label?.positive) : null);
    for (const [name, column] of calibrationColumns(label, columns, positiveOf) ?? []) refs.set(name, column);
    return refs;
  }
}
