/**
 * Exact JSON encoding of doubles, so that a restored model continues bit-identically.
 *
 * JSON numbers are enough for finite doubles: ECMAScript's Number::toString prints the shortest
 * decimal that parses back to the same double (ECMA-262 §6.1.6.1.20), and JSON.parse is that parse.
 * What JSON cannot hold is written as a string token: NaN, ±Infinity (JSON.stringify would write
 * null) and -0 (JSON.stringify writes 0; the sign of zero can change a later result, e.g. 1/w).
 * NaN payload bits are not kept; every NaN behaves alike in arithmetic.
 *
 * Arrays that are mostly +0 (hashed weight vectors) are stored sparsely as index/value pairs.
 */
import { F64, numberIsNaN } from './globals.js';
export type EncodedNumber = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

export interface EncodedFloats {
  readonly length: number;
  /** Present for the sparse form: the positions of the entries that are not +0. */
  readonly indices?: number[];
  readonly values: EncodedNumber[];
}

export function encodeNumber(x: number): EncodedNumber {
  if (numberIsNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return x;
}

export function decodeNumber(v: EncodedNumber | null): number {
  if (typeof v === 'number') return v;
  switch (v) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    case null:
    default:
      throw new TypeError(`not an encoded number: ${JSON.stringify(v)}`);
  }
}

const isPositiveZero = (x: number): boolean => x === 0 && !Object.is(x, -0);

export function encodeFloats(a: Float64Array): EncodedFloats {
  let nonZero = 0;
  for (let i = 0; i < a.length; i++) if (!isPositiveZero(a[i]!)) nonZero++;
  // Index + value costs about twice a plain value: sparse pays off below half occupancy.
  if (nonZero * 2 >= a.length) return { length: a.length, values: Array.from(a, encodeNumber) };
  const indices: number[] = [];
  const values: EncodedNumber[] = [];
  for (let i = 0; i < a.length; i++) {
    if (isPositiveZero(a[i]!)) continue;
    indices.push(i);
    values.push(encodeNumber(a[i]!));
  }
  return { length: a.length, indices, values };
}

export function decodeFloats(e: EncodedFloats, expectedLength?: number): Float64Array {
  if (expectedLength !== undefined && e.length !== expectedLength) {
    throw new RangeError(`expected ${expectedLength} values, found ${e.length}`);
  }
  const out = new F64(e.length);
  if (e.indices === undefined) {
    if (e.values.length !== e.length) throw new RangeError('dense array length mismatch');
    for (let i = 0; i < e.length; i++) out[i] = decodeNumber(e.values[i]!);
    return out;
  }
  if (e.indices.length !== e.values.length) throw new RangeError('sparse indices and values differ in length');
  for (let k = 0; k < e.indices.length; k++) {
    const i = e.indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= e.length) throw new RangeError(`index ${i} out of range`);
    out[i] = decodeNumber(e.values[k]!);
  }
  return out;
}
