import { KllSketch } from '@modelyard/stats';
import type { ColumnKind } from '@modelyard/types';
import { TS, type Columns } from './window.codec.js';

export const HOUR_MS = 3_600_000;

/**
 * What one hour (by record time) of a monitor's records keeps for windows beyond the raw cap: the
 * record count, per numeric feature a KLL sketch of its present values, per categorical feature the
 * count of each category. Summaries merge exactly (counts) or within the sketch bound (KLL), so a
 * "last 7 days" window is the merge of its 168 hourly summaries.
 */
export class BucketSummary {
  records = 0;
  readonly numeric = new Map<string, KllSketch>();
  readonly counts = new Map<string, Map<string, number>>();

  constructor(readonly features: readonly { name: string; kind: ColumnKind }[]) {
    for (const f of features) {
      if (f.kind === 'numeric') this.numeric.set(f.name, new KllSketch());
      else this.counts.set(f.name, new Map());
    }
  }

  merge(other: BucketSummary): this {
    this.records += other.records;
    for (const [name, sketch] of other.numeric) this.numeric.get(name)?.merge(sketch);
    for (const [name, counts] of other.counts) {
      const mine = this.counts.get(name);
      if (!mine) continue;
      for (const [category, c] of counts) mine.set(category, (mine.get(category) ?? 0) + c);
    }
    return this;
  }

  /** Present values of a feature (records minus missing and invalid ones). */
  present(name: string): number {
    const sketch = this.numeric.get(name);
    if (sketch) return sketch.n;
    let n = 0;
    for (const c of this.counts.get(name)?.values() ?? []) n += c;
    return n;
  }

  /**
   * [u32 header bytes][header JSON: {v, records, f: [[name, kind, sketch bytes | counts]]}][sketches].
   * Features absent from the summary (the monitor's schema is fixed, so only for foreign bytes) are skipped.
   */
  encode(): Buffer {
    const sketches: Uint8Array[] = [];
    const f = this.features.map((feature) => {
      const sketch = this.numeric.get(feature.name);
      if (sketch) {
        const bytes = sketch.serialize();
        sketches.push(bytes);
        return [feature.name, 'numeric', bytes.length];
      }
      return [feature.name, 'categorical', [...(this.counts.get(feature.name) ?? new Map<string, number>())]];
    });
    const header = Buffer.from(JSON.stringify({ v: 1, records: this.records, f }));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length, 0);
    return Buffer.concat([length, header, ...sketches]);
  }

  static decode(features: readonly { name: string; kind: ColumnKind }[], bytes: Buffer): BucketSummary {
    const summary = new BucketSummary(features);
    const headerLength = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString()) as {
      records: number;
      f: [string, ColumnKind, number | [string, number][]][];
    };
    summary.records = header.records;
    let at = 4 + headerLength;
    for (const [name, kind, body] of header.f) {
      if (kind === 'numeric' && typeof body === 'number') {
        const sketch = KllSketch.deserialize(bytes.subarray(at, at + body));
        at += body;
        if (summary.numeric.has(name)) summary.numeric.set(name, sketch);
      } else if (Array.isArray(body) && summary.counts.has(name)) summary.counts.set(name, new Map(body));
    }
    return summary;
  }
}

/** The batch's records grouped by hour of their `ts`, one summary per hour (epoch hours). */
export function summariesByHour(features: readonly { name: string; kind: ColumnKind }[], columns: Columns): Map<number, BucketSummary> {
  const ts = columns.values.get(TS) as Float64Array;
  const out = new Map<number, BucketSummary>();
  const byRecord: BucketSummary[] = new Array<BucketSummary>(columns.n);
  for (let i = 0; i < columns.n; i++) {
    const hour = Math.floor(ts[i]! / HOUR_MS);
    let s = out.get(hour);
    if (!s) out.set(hour, (s = new BucketSummary(features)));
    s.records++;
    byRecord[i] = s;
  }
  for (const f of features) {
    const column = columns.values.get(f.name);
    if (!column) continue;
    for (let i = 0; i < columns.n; i++) {
      const v = column[i];
      if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) continue;
      const s = byRecord[i]!;
      if (typeof v === 'number') s.numeric.get(f.name)!.update(v);
      else {
        const counts = s.counts.get(f.name)!;
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
    }
  }
  return out;
}
