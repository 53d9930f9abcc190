import { ValidationFailed, type FieldError } from '@modelyard/platform';
import { MAX_PREDICT_INSTANCES, type OipInferRequest } from '@modelyard/types';
import { putValue } from '../predict/values.js';
import { allocate, elementCount, isDatatype, type Datatype, type HostTensor, type TensorSpec } from '../runtime/tensors.js';

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

function decodeOne(spec: TensorSpec, input: RequestInput, field: string, problems: Problems): HostTensor | null {
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
  const data = allocate(datatype, elementCount(input.shape));
  flatten(input.data, input.shape, field, (pos, v) => putValue(datatype, data, pos, v), problems);
  return { datatype, shape: [...input.shape], data };
}

/**
 * The request's inputs as tensors for the runner: every input of the model given once, by name,
 * with its datatype, a shape it accepts and data of that shape whose elements fit the datatype
 * (finite numbers, integers in range, booleans, strings). Any problem is a 400 naming the input.
 */
export function decodeInputs(specs: readonly TensorSpec[], inputs: RequestInput[]): Map<string, HostTensor> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const feeds = new Map<string, HostTensor>();
  const problems = new Problems();
  inputs.forEach((input, i) => {
    const field = `inputs.${i}`;
    const spec = byName.get(input.name);
    if (!spec) return problems.add(`${field}.name`, `'${input.name}' is not an input of this model (its inputs: ${listOf(specs)})`);
    if (feeds.has(input.name)) return problems.add(`${field}.name`, `input '${input.name}' is given twice`);
    const tensor = decodeOne(spec, input, field, problems);
    if (tensor) feeds.set(input.name, tensor);
  });
  for (const spec of specs) {
    if (!inputs.some((i) => i.name === spec.name)) problems.add('inputs', `the model's input '${spec.name}' is missing`);
  }
  if (problems.list.length) throw new ValidationFailed(problems.list);
  return feeds;
}

/** The outputs asked for (all without a filter); an unknown name is a 400. */
export function selectOutputs(specs: readonly TensorSpec[], requested: OipInferRequest['outputs']): string[] {
  if (!requested?.length) return specs.map((s) => s.name);
  const names = new Set(specs.map((s) => s.name));
  const problems = new Problems();
  requested.forEach((o, j) => {
    if (!names.has(o.name)) problems.add(`outputs.${j}.name`, `'${o.name}' is not an output of this model (its outputs: ${listOf(specs)})`);
  });
  if (problems.list.length) throw new ValidationFailed(problems.list);
  return [...new Set(requested.map((o) => o.name))];
}
