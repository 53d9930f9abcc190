import { Inject, Injectable } from '@nestjs/common';
import { Conflict, ValidationFailed, type FieldError } from '@modelyard/platform';
import type { DriftRecord, ReferenceBody } from '@modelyard/types';
import type { ReferenceColumn } from '../checks/drift-tests.js';
import { layoutOf, type Monitor } from '../monitors/monitors.mapper.js';
import { MonitorsRepository } from '../monitors/monitors.repository.js';
import { recordsToColumns } from '../records/records.columns.js';
import { CONFIDENCE, decodeChunks, LABEL, PREDICTION, type Columns } from '../window/window.codec.js';
import { WindowStore } from '../window/window.store.js';
import { emptyCounts } from './reference.mapper.js';
import { MAX_REFERENCE_ROWS, ReferenceRepository } from './reference.repository.js';

/** Reference columns kept: features, prediction, label and confidence (for its z-score). */
const KEPT = (name: string) => !name.startsWith('$') || name === PREDICTION || name === LABEL || name === CONFIDENCE;

@Injectable()
export class ReferenceService {
  constructor(
    @Inject(MonitorsRepository) private readonly monitors: MonitorsRepository,
    @Inject(ReferenceRepository) private readonly references: ReferenceRepository,
    @Inject(WindowStore) private readonly window: WindowStore,
  ) {}

  async upload(monitorId: string, body: ReferenceBody) {
    const monitor = await this.monitors.get(monitorId);
    const columns = 'records' in body ? this.fromRecords(monitor, body.records) : this.fromColumns(monitor, body.columns);
    return this.save(monitor, columns, body.append);
  }

  /** Freezes the current window as the baseline. */
  async fromWindow(monitorId: string) {
    const monitor = await this.monitors.get(monitorId);
    const { chunks } = await this.window.read(monitor.id);
    const window = decodeChunks(layoutOf(monitor), chunks, monitor.windowSize);
    if (window.n === 0) throw new Conflict('the window is empty: ingest records first');
    return this.save(monitor, window, false);
  }

  private fromRecords(monitor: Monitor, records: DriftRecord[]): Columns {
    const { columns, errors } = recordsToColumns(monitor, records, Date.now());
    if (errors.length) throw new ValidationFailed(errors);
    return columns;
  }

  /** `{columns: {name: values}}`: feature names, plus the prediction's and label's names. */
  private fromColumns(monitor: Monitor, input: Record<string, (number | string | boolean)[]>): Columns {
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
        target.kind === 'numeric' ? typeof v !== 'number' : typeof v === 'number' && !Number.isInteger(v),
      );
      if (bad >= 0) {
        errors.push({
          field: `columns.${name}.${bad}`,
          in: 'body',
          message: target.kind === 'numeric' ? 'expected a number' : 'expected a category',
        });
        continue;
      }
      values.set(target.column, target.kind === 'numeric' ? Float64Array.from(list as number[]) : list.map(String));
    }
    if (errors.length) throw new ValidationFailed(errors);
    return { n: Math.max(0, ...[...values.values()].map((v) => v.length)), values };
  }

  private async save(monitor: Monitor, columns: Columns, append: boolean) {
    const refs = new Map<string, ReferenceColumn>();
    for (const [name, column] of columns.values) {
      if (!KEPT(name)) continue;
      if (column instanceof Float64Array) {
        const values = column.filter((v) => !Number.isNaN(v));
        if (values.length) refs.set(name, { kind: 'numeric', values });
        continue;
      }
      const counts = emptyCounts();
      for (const v of column) if (v !== null) counts[v] = (counts[v] ?? 0) + 1;
      if (Object.keys(counts).length) refs.set(name, { kind: 'categorical', counts });
    }
    if (columns.n > MAX_REFERENCE_ROWS)
      throw new ValidationFailed([{ field: 'columns', in: 'body', message: `at most ${MAX_REFERENCE_ROWS} rows` }]);
    const saved = await this.references.save(monitor.id, refs, append);
    return { ...saved, columns: [...refs.keys()] };
  }
}
