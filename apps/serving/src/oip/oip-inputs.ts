import { ValidationFailed, type FieldError } from '@modelyard/platform';
import { MAX_PREDICT_INSTANCES, type OipInferRequest } from '@modelyard/types';
import { putValue } from '../predict/values.js';
import { allocate, elementCount, isDatatype, type Datatype, type HostTensor, type TensorSpec } from '../runtime/tensors.js';
import { binarySize, decodeBinary } from './binary-tensors.js';

/** Elements one request may carry in all (the body limit binds first with the defaults). */
const MAX_ELEMENTS = 50_000_000;
const MAX_ERRORS = 20;

type RequestInput = OipInferRequest['inputs'][number];

class Problems {
  readonly list: FieldError[] = [];
  add(field: string, message: string): void {
    if (this.list.length < MAX_ERRORS) this.list.push({ field, in: 'body', message });
  }
  get full(): boolean {
    return this.list.length >= MAX_ERRORS;
  }
}

const listOf = (specs: readonly { name: string }[]) => specs.map((s) => `'${s.name}'`).join(', ');

/** The request's shape against the model's: same rank, fixed dimensions equal, a bounded batch. */
function checkShape(spec: TensorSpec, shape: readonly number[], field: string, problems: Problems): boolean {
  const expected = spec.shape;
  const show = (s: readonly number[]) => `[${s.join(', ')}]`;
  if (expected && expected.length !== shape.length) {
    problems.add(
      `${field}.shape`,
      `${show(shape)} has ${shape.length} dimensions; input '${spec.name}' has ${expected.length}: ${show(expected)}`,
    );
    return false;
  }
  const wrong = expected?.findIndex((d, k) => d >= 0 && d !== shape[k]) ?? -1;
  if (wrong >= 0) {
    problems.add(
      `${field}.shape`,
      `dimension ${wrong} is ${shape[wrong]}; input '${spec.name}' takes ${expected![wrong]}: ${show(expected!)}`,
    );
    return false;
  }
  if ((shape[0] ?? 0) > MAX_PREDICT_INSTANCES) {
    problems.add(`${field}.shape`, `a batch of ${shape[0]} is more than ${MAX_PREDICT_INSTANCES} instances`);
    return false;
  }
  if (elementCount(shape) > MAX_ELEMENTS) {
    problems.add(`${field}.shape`, `${show(shape)} is more than ${MAX_ELEMENTS} elements`);
    return false;
  }
  return true;
}

/**
 * Row-major elements of `data`, flat or nested as the shape says (the protocol allows both); each
 * element is written by `put`, which names what is wrong with it.
 */
function flatten(
  data: unknown[],
  shape: readonly number[],
  field: string,
  put: (pos: number, v: unknown) => string | null,
  problems: Problems,
): void {
  const count = elementCount(shape);
  if (data.length === count && !data.some(Array.isArray)) {
    for (let pos = 0; pos < count && !problems.full; pos++) {
      const problem = put(pos, data[pos]);
      if (problem) problems.add(`${field}.data.${pos}`, problem);
    }
    return;
  }
  let pos = 0;
  const walk = (node: unknown, depth: number, path: string): boolean => {
    if (depth === shape.length) {
      const problem = put(pos++, node);
      if (problem) problems.add(`${field}.data.${pos - 1}`, problem);
      return !problems.full;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      problems.add(path, `expected ${shape[depth]} elements at depth ${depth} for shape [${shape.join(', ')}] (or ${count} flat)`);
      return false;
    }
    return node.every((child, j) => walk(child, depth + 1, `${path}.${j}`));
  };
  walk(data, 0, `${field}.data`);
}

/** The binary data sizes the inputs announce, each one's bytes cut from the binary part in input order. */
function sliceBinary(inputs: RequestInput[], binary: Uint8Array, problems: Problems): Map<number, Uint8Array> {
  const slices = new Map<number, Uint8Array>();
  let offset = 0;
  for (const [i, input] of inputs.entries()) {
    const size = input.parameters?.binary_data_size;
    if (size === undefined) continue;
    const field = `inputs.${i}.parameters.binary_data_size`;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      problems.add(field, `must be a whole number of bytes, not ${JSON.stringify(size)}`);
      return slices;
    }
    if (input.data !== undefined) problems.add(`inputs.${i}.data`, 'an input with binary_data_size has its data in binary, not in data');
    if (offset + size > binary.length) {
      const left = binary.length - offset;
      problems.add(field, `${size} bytes run past the body: ${left} bytes of binary data are left for input '${input.name}'`);
      return slices;
    }
    slices.set(i, binary.subarray(offset, offset + size));
    offset += size;
  }
  if (offset < binary.length) {
    problems.add('inputs', `${binary.length - offset} bytes of binary data after the JSON header belong to no input (binary_data_size)`);
  }
  return slices;
}

/** The input's elements from its binary data, once its length fits the shape and datatype. */
function decodeBinaryOne(spec: TensorSpec, input: RequestInput, bytes: Uint8Array, field: string, problems: Problems) {
  const count = elementCount(input.shape);
  const expected = binarySize(spec.datatype, count);
  if (expected !== undefined && expected !== bytes.length) {
    const shape = `[${input.shape.join(', ')}]`;
    problems.add(
      `${field}.parameters.binary_data_size`,
      `${bytes.length} bytes for input '${spec.name}'; shape ${shape} of ${spec.datatype} takes ${expected} (${count} elements of ${expected / Math.max(count, 1)} bytes)`,
    );
    return null;
  }
  const decoded = decodeBinary(spec.datatype, count, bytes);
  if ('data' in decoded) return decoded.data;
  const { element, message } = decoded.problem;
  problems.add(
    element === undefined ? `${field}.parameters.binary_data_size` : `${field}.data.${element}`,
    `input '${spec.name}': ${message}`,
  );
  return null;
}

function decodeOne(spec: TensorSpec, input: RequestInput, field: string, problems: Problems, bytes?: Uint8Array): HostTensor | null {
  if (input.datatype === 'FP16' || !isDatatype(input.datatype)) {
    const theirs = `the model's input '${spec.name}' is ${spec.datatype}`;
    problems.add(`${field}.datatype`, `${input.datatype} is not supported (no portable JSON form); ${theirs}`);
    return null;
  }
  if (input.datatype !== spec.datatype) {
    problems.add(`${field}.datatype`, `input '${spec.name}' is ${spec.datatype}, not ${input.datatype}`);
    return null;
  }
  if (!checkShape(spec, input.shape, field, problems)) return null;
  const datatype: Datatype = spec.datatype;
  if (bytes) {
    const binary = decodeBinaryOne(spec, input, bytes, field, problems);
    return binary ? { datatype, shape: [...input.shape], data: binary } : null;
  }
  if (!input.data) {
    problems.add(`${field}.data`, `input '${spec.name}' has no data (nor parameters.binary_data_size for binary data)`);
    return null;
  }
  const data = allocate(datatype, elementCount(input.shape));
  flatten(input.data, input.shape, field, (pos, v) => putValue(datatype, data, pos, v), problems);
  return { datatype, shape: [...input.shape], data };
}

/**
 * The request's inputs as tensors for the runner: every input of the model given once, by name,
 * with its datatype, a shape it accepts and data of that shape whose elements fit the datatype
 * (finite numbers, integers in range, booleans, strings). Any problem is a 400 naming the input.
 * Inputs with `parameters.binary_data_size` take their elements from `binary` (the bytes after
 * the JSON header, binary tensor data extension), in the order of the inputs, every byte used.
 */
export function decodeInputs(
  specs: readonly TensorSpec[],
  inputs: RequestInput[],
  binary: Uint8Array = new Uint8Array(0),
): Map<string, HostTensor> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const feeds = new Map<string, HostTensor>();
  const problems = new Problems();
  const slices = sliceBinary(inputs, binary, problems);
  inputs.forEach((input, i) => {
    const field = `inputs.${i}`;
    const spec = byName.get(input.name);
    if (!spec) return problems.add(`${field}.name`, `'${input.name}' is not an input of this model (its inputs: ${listOf(specs)})`);
    if (feeds.has(input.name)) return problems.add(`${field}.name`, `input '${input.name}' is given twice`);
    if (input.parameters?.binary_data_size !== undefined && !slices.has(i)) return;
    const tensor = decodeOne(spec, input, field, problems, slices.get(i));
    if (tensor) feeds.set(input.name, tensor);
  });
  for (const spec of specs) {
    if (!inputs.some((i) => i.name === spec.name)) problems.add('inputs', `the model's input '${spec.name}' is missing`);
  }
  if (problems.list.length) throw new ValidationFailed(problems.list);
  return feeds;
}

/** An output to answer, and whether in binary (binary tensor data extension). */
export interface SelectedOutput {
  name: string;
  binary: boolean;
}

/** A boolean parameter of the extension (`binary_data`, `binary_data_output`); anything but a boolean is a 400. */
function flag(parameters: Record<string, unknown> | undefined, key: string, field: string, problems: Problems): boolean | undefined {
  if (!parameters || !Object.hasOwn(parameters, key)) return undefined;
  const value = parameters[key];
  if (typeof value === 'boolean') return value;
  problems.add(`${field}.${key}`, `must be true or false, not ${JSON.stringify(value)}`);
  return undefined;
}

/**
 * The outputs asked for (all without a filter); an unknown name is a 400. An output is answered in
 * binary when its `parameters.binary_data` is true, or, without that parameter, when the request's
 * `parameters.binary_data_output` is.
 */
export function selectOutputs(
  specs: readonly TensorSpec[],
  requested: OipInferRequest['outputs'],
  parameters?: OipInferRequest['parameters'],
): SelectedOutput[] {
  const problems = new Problems();
  const all = flag(parameters, 'binary_data_output', 'parameters', problems) ?? false;
  const selected = new Map<string, boolean>();
  if (!requested?.length) for (const s of specs) selected.set(s.name, all);
  const names = new Set(specs.map((s) => s.name));
  requested?.forEach((o, j) => {
    if (!names.has(o.name)) problems.add(`outputs.${j}.name`, `'${o.name}' is not an output of this model (its outputs: ${listOf(specs)})`);
    const binary = flag(o.parameters, 'binary_data', `outputs.${j}.parameters`, problems) ?? all;
    if (!selected.has(o.name)) selected.set(o.name, binary);
  });
  if (problems.list.length) throw new ValidationFailed(problems.list);
  return [...selected].map(([name, binary]) => ({ name, binary }));
}
