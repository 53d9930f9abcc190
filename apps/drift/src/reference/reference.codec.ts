import { aligned } from '@modelyard/stats';
import type { ReferenceColumn } from '../checks/drift-tests.js';
import { emptyCounts } from './reference.mapper.js';

const FORMAT = 1;

/** One column in the header: name, missing, then numeric `[rows, sorted, distinct]` or categorical counts. */
type HeaderColumn = [string, number, 'numeric', number, boolean, number | null] | [string, number, 'categorical', [string, number][]];

/**
 * A whole reference as one binary value (the form a check reads, from Redis, in one command):
 * [u32 header bytes][header JSON {v, c: columns}][zero padding to 8 bytes][each numeric column's
 * float64 values, little-endian, in header order]. Decoding makes Float64Array views of the bytes
 * (copied once, whole, if they sit at an unaligned address): no per-value work.
 */
export function encodeReference(reference: ReadonlyMap<string, ReferenceColumn>): Buffer {
  const c: HeaderColumn[] = [];
  let valueBytes = 0;
  for (const [name, column] of reference) {
    const missing = column.missing ?? 0;
    if (column.kind === 'numeric') {
      c.push([name, missing, 'numeric', column.values.length, column.sorted === true, column.distinct ?? null]);
      valueBytes += column.values.byteLength;
    } else c.push([name, missing, 'categorical', Object.entries(column.counts)]);
  }
  const header = Buffer.from(JSON.stringify({ v: FORMAT, c }));
  const start = (4 + header.length + 7) & ~7;
  const out = Buffer.alloc(start + valueBytes);
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  let at = start;
  for (const column of reference.values()) {
    if (column.kind !== 'numeric') continue;
    out.set(new Uint8Array(column.values.buffer, column.values.byteOffset, column.values.byteLength), at);
    at += column.values.byteLength;
  }
  return out;
}

/** The reference encoded by {@link encodeReference}; null for bytes of another format. The bytes must not change afterwards. */
export function decodeReference(input: Buffer): Map<string, ReferenceColumn> | null {
  if (input.length < 4) return null;
  const bytes = aligned(input);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 4, headerLength).toString()) as { v: number; c: HeaderColumn[] };
  if (header.v !== FORMAT) return null;
  const out = new Map<string, ReferenceColumn>();
  let at = bytes.byteOffset + ((4 + headerLength + 7) & ~7);
  for (const column of header.c) {
    if (column[2] === 'numeric') {
      const [name, missing, , rows, sorted, distinct] = column;
      const values = new Float64Array(bytes.buffer, at, rows);
      at += rows * 8;
      out.set(name, { kind: 'numeric', values, missing, ...(sorted ? { sorted, distinct: distinct ?? undefined } : {}) });
    } else {
      const [name, missing, , pairs] = column;
      // Null-prototype counts: a category may be called "__proto__".
      const counts = emptyCounts();
      for (const [category, count] of pairs) counts[category] = count;
      out.set(name, { kind: 'categorical', counts, missing });
    }
  }
  return out;
}
