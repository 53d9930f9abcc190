import { aligned, compactBytes, compactOf, decodeCompact, encodeCompact, KllSketch, mergeCompact, type CompactKll } from '@modelyard/stats';
import type { ColumnKind } from '@modelyard/types';
import { TS, type Columns } from './window.codec.js';

export const HOUR_MS = 3_600_000;

type Schema = readonly { name: string; kind: ColumnKind }[];
type Counts = Map<string, number>;

/**
 * What one hour (by record time) of a monitor's records keeps for windows beyond the raw cap, as
 * ingestion builds it: the record count, per numeric feature a KLL sketch of its present values, per
 * categorical feature the count of each category. Stored sealed (`SealedSummary`).
 */
export class BucketSummary {
  records = 0;
  readonly numeric = new Map<string, KllSketch>();
  readonly counts = new Map<string, Counts>();

  constructor(readonly features: Schema) {
    for (const f of features) {
      if (f.kind === 'numeric') this.numeric.set(f.name, new KllSketch());
      else this.counts.set(f.name, new Map());
    }
  }

  seal(): SealedSummary {
    const numeric = new Map([...this.numeric].map(([name, sketch]) => [name, compactOf(sketch)] as const));
    return new SealedSummary(this.features, this.records, numeric, this.counts);
  }

  encode(): Buffer {
    return this.seal().encode();
  }
}

/**
 * A stored summary (an hour's, a day's roll-up, or a window's merge): sealed sketches (sorted
 * levels, decoded as views of the stored bytes) and category counts. Summaries merge exactly
 * (counts) or within the sketch bound (KLL), so a window is the merge of its days' and hours' summaries.
 */
export class SealedSummary {
  constructor(
    readonly features: Schema,
    readonly records: number,
    readonly numeric: ReadonlyMap<string, CompactKll>,
    readonly counts: ReadonlyMap<string, Counts>,
  ) {}

  static empty(features: Schema): SealedSummary {
    return new BucketSummary(features).seal();
  }

  /** Present values of a feature (records minus missing and invalid ones). */
  present(name: string): number {
    const sketch = this.numeric.get(name);
    if (sketch) return sketch.n;
    let n = 0;
    for (const c of this.counts.get(name)?.values() ?? []) n += c;
    return n;
  }

  /** One summary of many: per numeric feature one KLL merge of all their sketches (sorted runs, no re-sorting). */
  static merge(features: Schema, summaries: readonly SealedSummary[]): SealedSummary {
    if (summaries.length === 1 && summaries[0]!.features === features) return summaries[0]!;
    const numeric = new Map<string, CompactKll>();
    const counts = new Map<string, Counts>();
    for (const f of features) {
      if (f.kind === 'numeric') {
        numeric.set(f.name, mergeCompact(summaries.flatMap((s) => (s.numeric.has(f.name) ? [s.numeric.get(f.name)!] : []))));
        continue;
      }
      const merged: Counts = new Map();
      for (const s of summaries)
        for (const [category, c] of s.counts.get(f.name) ?? []) merged.set(category, (merged.get(category) ?? 0) + c);
      counts.set(f.name, merged);
    }
    return new SealedSummary(
      features,
      summaries.reduce((n, s) => n + s.records, 0),
      numeric,
      counts,
    );
  }

  /**
   * Format 2: [u32 header bytes][header JSON: {v: 2, records, f: [[name, kind, sketch bytes | counts]]}]
   * [zero padding to 8 bytes][sketches, format 2, each a multiple of 8 bytes]: every sketch starts
   * 8-byte aligned, so decoding makes Float64Array views.
   */
  encode(): Buffer {
    const f = this.features.map((feature) => {
      const sketch = this.numeric.get(feature.name);
      if (sketch) return [feature.name, 'numeric', compactBytes(sketch)];
      return [feature.name, 'categorical', [...(this.counts.get(feature.name) ?? new Map<string, number>())]];
    });
    const header = Buffer.from(JSON.stringify({ v: 2, records: this.records, f }));
    const start = (4 + header.length + 7) & ~7;
    const total = start + f.reduce((s, [, , body]) => s + (typeof body === 'number' ? body : 0), 0);
    const out = Buffer.alloc(total);
    out.writeUInt32LE(header.length, 0);
    header.copy(out, 4);
    let at = start;
    for (const feature of this.features) {
      const sketch = this.numeric.get(feature.name);
      if (!sketch) continue;
      encodeCompact(sketch, out.subarray(at, at + compactBytes(sketch)));
      at += compactBytes(sketch);
    }
    return out;
  }

  /**
   * Decodes format 2 (or format 1, written before sealed sketches). Features absent from the schema
   * (only in foreign bytes: a monitor's schema is fixed) are skipped. `bytes` must not change afterwards.
   */
  static decode(features: Schema, input: Buffer): SealedSummary {
    const bytes = aligned(input);
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
    const header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 4, headerLength).toString()) as {
      v?: number;
      records: number;
      f: [string, ColumnKind, number | [string, number][]][];
    };
    const wanted = new Map(features.map((f) => [f.name, f.kind]));
    const numeric = new Map<string, CompactKll>();
    const counts = new Map<string, Counts>();
    let at = header.v === 2 ? (4 + headerLength + 7) & ~7 : 4 + headerLength;
    for (const [name, kind, body] of header.f) {
      if (kind === 'numeric' && typeof body === 'number') {
        if (wanted.get(name) === 'numeric') numeric.set(name, decodeCompact(bytes.subarray(at, at + body)));
        at += body;
      } else if (Array.isArray(body) && wanted.get(name) === 'categorical') counts.set(name, new Map(body));
    }
    for (const f of features) {
      if (f.kind === 'numeric' && !numeric.has(f.name)) numeric.set(f.name, compactOf(new KllSketch()));
      if (f.kind !== 'numeric' && !counts.has(f.name)) counts.set(f.name, new Map());
    }
    return new SealedSummary(features, header.records, numeric, counts);
  }
}

/** The batch's records grouped by hour of their `ts`, one summary per hour (epoch hours). */
export function summariesByHour(features: Schema, columns: Columns): Map<number, BucketSummary> {
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
