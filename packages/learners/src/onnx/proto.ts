/**
 * The ONNX protobuf schema (onnx-proto: the official onnx.proto compiled by protobufjs, IR version 8)
 * and the few builders every graph here needs. Everything returns plain message objects and bytes:
 * no file or network I/O, so the package stays pure.
 *
 * IR version 8 is the newest this schema describes and the one ONNX released with opset 17
 * (docs/Versioning.md); the tests load every model written here in onnxruntime-node 1.30.
 */
import { createRequire } from 'node:module';
import type { onnx as Onnx } from 'onnx-proto';

/** The schema's message types (a type-only name: `onnx()` below returns the runtime value). */
export type { Onnx };

const load = createRequire(import.meta.url);
let root: typeof Onnx | undefined;

/**
 * The schema's runtime root, required on first use: protobufjs and the compiled onnx.proto cost a
 * service about 4 MB of RSS, for a model export that a process may never do. onnx-proto is CommonJS
 * that assigns its root to module.exports, so `require` loads it synchronously.
 */
function onnx(): typeof Onnx {
  return (root ??= (load('onnx-proto') as { onnx: typeof Onnx }).onnx);
}

export const IR_VERSION = 8;
/** Opset of the default domain ('' = ai.onnx). */
export const OPSET = 17;
/** Opset of ai.onnx.ml (TreeEnsembleClassifier, LinearClassifier…) that goes with opset 17. */
export const ML_DOMAIN = 'ai.onnx.ml';
export const ML_OPSET = 3;

/**
 * onnx.proto's TensorProto.DataType values (IR version 8), written out so that building a graph's
 * description needs no schema loaded; a test checks them against onnx-proto's.
 */
export const DataType = {
  UNDEFINED: 0 as Onnx.TensorProto.DataType.UNDEFINED,
  FLOAT: 1 as Onnx.TensorProto.DataType.FLOAT,
  UINT8: 2 as Onnx.TensorProto.DataType.UINT8,
  INT8: 3 as Onnx.TensorProto.DataType.INT8,
  UINT16: 4 as Onnx.TensorProto.DataType.UINT16,
  INT16: 5 as Onnx.TensorProto.DataType.INT16,
  INT32: 6 as Onnx.TensorProto.DataType.INT32,
  INT64: 7 as Onnx.TensorProto.DataType.INT64,
  STRING: 8 as Onnx.TensorProto.DataType.STRING,
  BOOL: 9 as Onnx.TensorProto.DataType.BOOL,
  FLOAT16: 10 as Onnx.TensorProto.DataType.FLOAT16,
  DOUBLE: 11 as Onnx.TensorProto.DataType.DOUBLE,
  UINT32: 12 as Onnx.TensorProto.DataType.UINT32,
  UINT64: 13 as Onnx.TensorProto.DataType.UINT64,
  COMPLEX64: 14 as Onnx.TensorProto.DataType.COMPLEX64,
  COMPLEX128: 15 as Onnx.TensorProto.DataType.COMPLEX128,
  BFLOAT16: 16 as Onnx.TensorProto.DataType.BFLOAT16,
} as const;

/** onnx.proto's AttributeProto.AttributeType values used here (checked by the same test). */
export const AttributeType = {
  FLOAT: 1 as Onnx.AttributeProto.AttributeType.FLOAT,
  INT: 2 as Onnx.AttributeProto.AttributeType.INT,
  STRING: 3 as Onnx.AttributeProto.AttributeType.STRING,
  FLOATS: 6 as Onnx.AttributeProto.AttributeType.FLOATS,
  INTS: 7 as Onnx.AttributeProto.AttributeType.INTS,
  STRINGS: 8 as Onnx.AttributeProto.AttributeType.STRINGS,
} as const;

/** A dimension: a number is fixed, a string a symbolic size (the batch 'N'). */
export type Dim = number | string;

export function tensorType(elemType: number, dims: readonly Dim[]): Onnx.ITypeProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { tensorType: { elemType, shape: { dim } } };
}

export function valueInfo(name: string, elemType: number, dims: readonly Dim[], docString?: string): Onnx.IValueInfoProto {
  return { name, type: tensorType(elemType, dims), ...(docString ? { docString } : {}) };
}

/** A constant tensor; doubles, floats and int64s go to the packed typed fields. */
export function initializer(
  name: string,
  dataType: Onnx.TensorProto.DataType,
  dims: readonly number[],
  values: ArrayLike<number>,
): Onnx.ITensorProto {
  const data = Array.from(values);
  const tensor: Onnx.ITensorProto = { name, dataType, dims: [...dims] };
  if (dataType === DataType.DOUBLE) tensor.doubleData = data;
  else if (dataType === DataType.FLOAT) tensor.floatData = data;
  else if (dataType === DataType.INT64) tensor.int64Data = data;
  else throw new TypeError(`initializer ${name}: unsupported data type ${dataType}`);
  return tensor;
}

const utf8 = new TextEncoder();

/** A constant tensor of UTF-8 strings (e.g. class labels). */
export function stringInitializer(name: string, dims: readonly number[], values: readonly string[]): Onnx.ITensorProto {
  return { name, dataType: DataType.STRING, dims: [...dims], stringData: values.map((v) => utf8.encode(v)) };
}

/** Typed attribute builders: ONNX tells INT from FLOAT by the attribute's type, not by the value. */
export const attr = {
  int: (name: string, i: number): Onnx.IAttributeProto => ({ name, type: AttributeType.INT, i }),
  ints: (name: string, ints: readonly number[]): Onnx.IAttributeProto => ({
    name,
    type: AttributeType.INTS,
    ints: [...ints],
  }),
  float: (name: string, f: number): Onnx.IAttributeProto => ({ name, type: AttributeType.FLOAT, f }),
  floats: (name: string, floats: readonly number[]): Onnx.IAttributeProto => ({
    name,
    type: AttributeType.FLOATS,
    floats: [...floats],
  }),
  string: (name: string, s: string): Onnx.IAttributeProto => ({ name, type: AttributeType.STRING, s: utf8.encode(s) }),
  strings: (name: string, strings: readonly string[]): Onnx.IAttributeProto => ({
    name,
    type: AttributeType.STRINGS,
    strings: strings.map((s) => utf8.encode(s)),
  }),
};

/** A node named after its first output (names must be unique in a graph, and outputs already are). */
export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attribute: Onnx.IAttributeProto[] = [],
  domain = '',
): Onnx.INodeProto {
  return { opType, input: [...inputs], output: [...outputs], name: outputs[0], domain, attribute };
}

export interface ModelParts {
  graph: Onnx.IGraphProto;
  /** Adds the ai.onnx.ml opset import. */
  ml?: boolean;
  docString?: string;
  metadata?: ReadonlyMap<string, string>;
}

/**
 * The producer_name of every model this package writes. Each output row is a function of its input
 * row alone, which lets a server batch concurrent calls (the serving service reads this name).
 */
export const ONNX_PRODUCER = '@modelyard/learners';

export function encodeModel(parts: ModelParts): Uint8Array {
  const opsetImport = [{ domain: '', version: OPSET }, ...(parts.ml ? [{ domain: ML_DOMAIN, version: ML_OPSET }] : [])];
  const model: Onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport,
    producerName: ONNX_PRODUCER,
    producerVersion: '1',
    graph: parts.graph,
    ...(parts.docString ? { docString: parts.docString } : {}),
    metadataProps: [...(parts.metadata ?? new Map<string, string>())].map(([key, value]) => ({ key, value })),
  };
  return onnx().ModelProto.encode(model).finish();
}

/** Parses ONNX bytes (throws on malformed protobuf); for tests and tools that inspect a model. */
export function decodeModel(bytes: Uint8Array): Onnx.ModelProto {
  return onnx().ModelProto.decode(bytes);
}
