import type { ColumnKind } from '@modelyard/types';

/** One stored column of a monitor's records: a feature, the prediction/label, or an operational field. */
export interface ColumnDef {
  name: string;
  kind: ColumnKind;
}

/** Columns in memory: numeric as float64 (NaN = absent), categorical as strings (null = absent). */
export type Column = Float64Array | (string | null)[];
export interface Columns {
  n: number;
  values: Map<string, Column>;
}

// Operational columns, stored after the features in every chunk. `$success` is 1/0 (NaN = not reported).
export const PREDICTION = '$prediction';
export const LABEL = '$label';
export const CONFIDENCE = '$confidence';
export const LATENCY = '$latency';
export const SUCCESS = '$success';
export const TS = '$ts';
/** The record's id (joins labels sent later); last in the layout, so chunks written before it decode as absent. */
export const ID = '$id';
/**
 * Per record, the feature values of the wrong type kept out of the statistics (`onInvalid: count`):
 * null, or a JSON list of [feature, value]. After `$id`, so older chunks decode as "none".
 */
export const INVALID = '$invalid';

const MISSING_CODE = 0xffffffff;
const NUMERIC = 0;
const CATEGORICAL = 1;

/**
 * Packs a batch of records column by column: [u32 n][u16 columns] then per column [u8 kind] and
 * either n float64 (native byte order: little-endian on every platform Node targets) or
 * [u32 dictionary bytes][dictionary as a JSON string array][n × u32 codes]. A window of 10k
 * records × 20 features is then 1.6 MB of float64 instead of 200k JSON values.
 */
export function encodeChunk(layout: readonly ColumnDef[], columns: Columns): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(6);
  header.writeUInt32LE(columns.n, 0);
  header.writeUInt16LE(layout.length, 4);
  parts.push(header);
  for (const def of layout) {
    const column = columns.values.get(def.name);
    if (!column) throw new Error(`column '${def.name}' missing from the batch`);
    if (column instanceof Float64Array) {
      parts.push(Buffer.from([NUMERIC]), Buffer.from(column.buffer, column.byteOffset, column.byteLength));
      continue;
    }
    const dictionary = new Map<string, number>();
    const codes = new Uint32Array(columns.n);
    for (let i = 0; i < columns.n; i++) {
      const v = column[i];
      if (v === null || v === undefined) {
        codes[i] = MISSING_CODE;
        continue;
      }
      let code = dictionary.get(v);
      if (code === undefined) dictionary.set(v, (code = dictionary.size));
      codes[i] = code;
    }
    const dict = Buffer.from(JSON.stringify([...dictionary.keys()]));
    const head = Buffer.alloc(5);
    head.writeUInt8(CATEGORICAL, 0);
    head.writeUInt32LE(dict.length, 1);
    parts.push(head, dict, Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength));
  }
  return Buffer.concat(parts);
}

/** Number of records in a packed chunk (its first four bytes). */
export function chunkLength(chunk: Buffer): number {
  return chunk.readUInt32LE(0);
}

/**
 * Unpacks chunks (oldest first) into the last `keep` records, as columns of the given layout.
 * Columns the chunks do not carry (layout grown since) come back absent.
 */
export function decodeChunks(layout: readonly ColumnDef[], chunks: readonly Buffer[], keep = Infinity): Columns {
  const total = chunks.reduce((s, c) => s + chunkLength(c), 0);
  const n = Math.min(total, keep);
  const skip = total - n;
  const values = new Map<string, Column>();
  for (const def of layout)
    values.set(def.name, def.kind === 'numeric' ? new Float64Array(n).fill(NaN) : new Array<string | null>(n).fill(null));

  let seen = 0;
  for (const chunk of chunks) {
    const rows = chunk.readUInt32LE(0);
    const count = chunk.readUInt16LE(4);
    // Rows of this chunk that fall before the kept tail are skipped.
    const from = Math.max(0, skip - seen);
    const at = seen + from - skip;
    let offset = 6;
    for (let c = 0; c < count && c < layout.length; c++) {
      const def = layout[c]!;
      const kind = chunk.readUInt8(offset);
      offset += 1;
      const target = values.get(def.name)!;
      if (kind === NUMERIC) {
        if (from < rows && target instanceof Float64Array) {
          // A byte copy: the chunk's float64 run may not be 8-byte aligned in the Buffer.
          chunk.copy(new Uint8Array(target.buffer, at * 8, (rows - from) * 8), 0, offset + from * 8, offset + rows * 8);
        }
        offset += rows * 8;
        continue;
      }
      const dictBytes = chunk.readUInt32LE(offset);
      const dictionary = JSON.parse(chunk.toString('utf8', offset + 4, offset + 4 + dictBytes)) as string[];
      offset += 4 + dictBytes;
      if (Array.isArray(target)) {
        for (let i = from; i < rows; i++) {
          const code = chunk.readUInt32LE(offset + i * 4);
          target[at + i - from] = code === MISSING_CODE ? null : (dictionary[code] ?? null);
        }
      }
      offset += rows * 4;
    }
    seen += rows;
  }
  return { n, values };
}
