import type { OipDatatype } from '@modelyard/types';

/** The datatypes served: every OIP datatype but FP16 (JSON has no portable half-precision form). */
export type Datatype = Exclude<OipDatatype, 'FP16'>;

export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | string[];

/** A tensor in this process's memory, row-major, as runners take and give them. */
export interface HostTensor {
  datatype: Datatype;
  shape: number[];
  data: TensorData;
}

/** An input or output of a runner; -1 marks a variable dimension, null an unknown shape. */
export interface TensorSpec {
  name: string;
  datatype: Datatype;
  shape: number[] | null;
}

interface DatatypeInfo {
  ort: string;
  allocate: (n: number) => TensorData;
  /** Bytes per element in the binary tensor data extension; BYTES elements have their own length. */
  size?: number;
  /** Integer types: the range a JSON number must fall in. */
  range?: readonly [bigint, bigint];
}

const int = (bits: number, signed: boolean): readonly [bigint, bigint] =>
  signed ? [-(1n << BigInt(bits - 1)), (1n << BigInt(bits - 1)) - 1n] : [0n, (1n << BigInt(bits)) - 1n];

// A Map, never an object, so a datatype sent by a client cannot reach a prototype member.
const DATATYPES = new Map<Datatype, DatatypeInfo>([
  ['BOOL', { ort: 'bool', allocate: (n) => new Uint8Array(n), size: 1 }],
  ['UINT8', { ort: 'uint8', allocate: (n) => new Uint8Array(n), size: 1, range: int(8, false) }],
  ['UINT16', { ort: 'uint16', allocate: (n) => new Uint16Array(n), size: 2, range: int(16, false) }],
  ['UINT32', { ort: 'uint32', allocate: (n) => new Uint32Array(n), size: 4, range: int(32, false) }],
  ['UINT64', { ort: 'uint64', allocate: (n) => new BigUint64Array(n), size: 8, range: int(64, false) }],
  ['INT8', { ort: 'int8', allocate: (n) => new Int8Array(n), size: 1, range: int(8, true) }],
  ['INT16', { ort: 'int16', allocate: (n) => new Int16Array(n), size: 2, range: int(16, true) }],
  ['INT32', { ort: 'int32', allocate: (n) => new Int32Array(n), size: 4, range: int(32, true) }],
  ['INT64', { ort: 'int64', allocate: (n) => new BigInt64Array(n), size: 8, range: int(64, true) }],
  ['FP32', { ort: 'float32', allocate: (n) => new Float32Array(n), size: 4 }],
  ['FP64', { ort: 'float64', allocate: (n) => new Float64Array(n), size: 8 }],
  ['BYTES', { ort: 'string', allocate: (n) => new Array<string>(n).fill('') }],
]);

const BY_ORT = new Map([...DATATYPES].map(([datatype, info]) => [info.ort, datatype]));

export function isDatatype(value: string): value is Datatype {
  return DATATYPES.has(value as Datatype);
}

export function ortType(datatype: Datatype): string {
  return DATATYPES.get(datatype)!.ort;
}

/** The datatype of an onnxruntime tensor type, or null for one not served (float16, …). */
export function datatypeOfOrt(type: string): Datatype | null {
  return BY_ORT.get(type) ?? null;
}

export function allocate(datatype: Datatype, n: number): TensorData {
  return DATATYPES.get(datatype)!.allocate(n);
}

/** Bytes per element in binary form, or undefined for BYTES (each element carries its length). */
export function elementSize(datatype: Datatype): number | undefined {
  return DATATYPES.get(datatype)!.size;
}

export function integerRange(datatype: Datatype): readonly [bigint, bigint] | undefined {
  return DATATYPES.get(datatype)!.range;
}

export const isFloat = (d: Datatype) => d === 'FP32' || d === 'FP64';
export const isNumeric = (d: Datatype) => d !== 'BYTES' && d !== 'BOOL';
export const is64Bit = (d: Datatype) => d === 'INT64' || d === 'UINT64';

/** Elements of a shape; -1 (variable) dimensions count as `variable`. */
export function elementCount(shape: readonly number[], variable = 1): number {
  return shape.reduce((n, d) => n * (d < 0 ? variable : d), 1);
}

/** One element as JSON can carry it: 64-bit integers become numbers (exact up to 2^53), booleans stay booleans. */
export function jsonElement(datatype: Datatype, data: TensorData, i: number): number | string | boolean {
  const v = data[i]!;
  if (datatype === 'BOOL') return v !== 0;
  return typeof v === 'bigint' ? Number(v) : v;
}

export function jsonData(t: HostTensor): (number | string | boolean)[] {
  const out = new Array<number | string | boolean>(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = jsonElement(t.datatype, t.data, i);
  return out;
}
