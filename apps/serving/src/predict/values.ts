import type { FeatureKind } from '../runtime/input-schema.js';
import { integerRange, is64Bit, type Datatype, type TensorData } from '../runtime/tensors.js';

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Writes one JSON value into a tensor's data at `pos` if it is valid for the element's datatype
 * (and the feature's kind, when there is a schema); returns why not otherwise. Shared by /v1
 * instances and /v2 tensor data, so both refuse the same values with the same words.
 */
export function putValue(datatype: Datatype, data: TensorData, pos: number, value: unknown, kind?: FeatureKind): string | null {
  if (datatype === 'BYTES') {
    if (typeof value !== 'string') return kind === 'categorical' ? 'must be a string (categorical feature)' : 'must be a string';
    (data as string[])[pos] = value;
    return null;
  }
  if (datatype === 'BOOL' || kind === 'boolean') {
    // true/false, or 1/0 as array instances and numeric exports carry them.
    const bit = value === true || value === 1 ? 1 : value === false || value === 0 ? 0 : null;
    if (bit === null) return kind === 'boolean' ? 'must be a boolean (boolean feature)' : 'must be a boolean';
    store(datatype, data, pos, bit);
    return null;
  }
  if (typeof value === 'boolean') return 'must be a finite number, not a boolean';
  if (kind === 'categorical') return 'must be a string (categorical feature)';
  if (typeof value !== 'number' || !Number.isFinite(value)) return describeBadNumber(value);
  const range = integerRange(datatype);
  if (range) return putInteger(datatype, data, pos, value, range);
  // Past float32's largest value the element would become Infinity.
  if (datatype === 'FP32' && Math.abs(value) > FLOAT32_MAX) return 'is out of the FP32 range';
  (data as Float32Array)[pos] = value;
  return null;
}

function describeBadNumber(value: unknown): string {
  if (typeof value === 'number') return `must be a finite number, not ${value}`;
  if (value === null || value === undefined) return 'must be a finite number, not null';
  return `must be a finite number, not a ${Array.isArray(value) ? 'list' : typeof value}`;
}

function putInteger(datatype: Datatype, data: TensorData, pos: number, value: number, [lo, hi]: readonly [bigint, bigint]): string | null {
  if (!Number.isInteger(value)) return `must be an integer (${datatype}), not ${value}`;
  // Integers past 2^53 are not exact in JSON numbers anyway; the range check is on what was sent.
  const big = BigInt(value);
  if (big < lo || big > hi) return `is out of the ${datatype} range`;
  store(datatype, data, pos, value);
  return null;
}

function store(datatype: Datatype, data: TensorData, pos: number, value: number) {
  if (is64Bit(datatype)) (data as BigInt64Array)[pos] = BigInt(value);
  else (data as Float64Array)[pos] = value;
}
