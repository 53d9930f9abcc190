import { ValidationFailed, type FieldError } from '@modelyard/platform';
import type { Feature } from '../runtime/input-schema.js';
import type { Layout } from '../runtime/layout.js';
import { allocate, type Datatype, type HostTensor, type TensorData } from '../runtime/tensors.js';
import { putValue } from './values.js';

/** More field errors than this are summarised: a 10,000-instance batch with one bad column is one problem. */
const MAX_ERRORS = 20;

/** Where instance i, column j is written. */
interface Sink {
  datatype: Datatype;
  data: TensorData;
  at(i: number, j: number): number;
}

class Errors {
  readonly list: FieldError[] = [];
  more = 0;
  add(field: string, message: string) {
    if (this.list.length < MAX_ERRORS) this.list.push({ field, in: 'body', message });
    else this.more++;
  }
  throwIfAny() {
    if (!this.list.length) return;
    if (this.more) this.list.push({ field: 'instances', in: 'body', message: `and ${this.more} more errors` });
    throw new ValidationFailed(this.list);
  }
}

const featureList = (features: readonly Feature[]) =>
  features.length <= 20 ? features.map((f) => f.name).join(', ') : `${features.length} features, see the version's input schema`;

function writeRecord(
  rec: Record<string, unknown>,
  i: number,
  features: readonly Feature[],
  known: Set<string>,
  sink: (j: number) => Sink,
  errors: Errors,
) {
  for (const key of Object.keys(rec)) {
    if (!known.has(key)) errors.add(`instances.${i}.${key}`, `not a feature of this model (its features: ${featureList(features)})`);
  }
  features.forEach((f, j) => {
    if (!Object.hasOwn(rec, f.name)) return errors.add(`instances.${i}.${f.name}`, 'missing');
    const s = sink(j);
    const problem = putValue(s.datatype, s.data, s.at(i, j), rec[f.name], f.kind);
    if (problem) errors.add(`instances.${i}.${f.name}`, problem);
  });
}

function writeArray(
  values: unknown[],
  i: number,
  width: number,
  features: readonly Feature[] | null,
  sink: (j: number) => Sink,
  errors: Errors,
) {
  if (values.length !== width) {
    const names = features ? ` (${featureList(features)})` : '';
    return errors.add(`instances.${i}`, `expected ${width} values${names}, got ${values.length}`);
  }
  for (let j = 0; j < width; j++) {
    const s = sink(j);
    const problem = putValue(s.datatype, s.data, s.at(i, j), values[j], features?.[j]?.kind);
    if (problem) errors.add(`instances.${i}.${j}`, features ? `${features[j]!.name} ${problem}` : problem);
  }
}

function widthOf(layout: Layout, instances: readonly unknown[]): number {
  if (layout.kind === 'columns') return layout.features.length;
  if (layout.width !== null) return layout.width;
  // No schema and a variable width: the first array instance decides, the others must agree.
  const first = instances.find((x) => Array.isArray(x));
  return Array.isArray(first) ? first.length : 0;
}

function sinks(layout: Layout, n: number, width: number): { feeds: Map<string, HostTensor>; sink: (j: number) => Sink } {
  if (layout.kind === 'matrix') {
    const { input } = layout;
    const data = allocate(input.datatype, n * width);
    const sink: Sink = { datatype: input.datatype, data, at: (i, j) => i * width + j };
    return { feeds: new Map([[input.name, { datatype: input.datatype, shape: [n, width], data }]]), sink: () => sink };
  }
  const columns = layout.inputs.map((input): Sink => ({
    datatype: input.datatype,
    data: allocate(input.datatype, n),
    at: (i) => i,
  }));
  const feeds = new Map(
    layout.inputs.map((input, j) => [
      input.name,
      { datatype: input.datatype, shape: input.shape?.length === 2 ? [n, 1] : [n], data: columns[j]!.data },
    ]),
  );
  return { feeds, sink: (j) => columns[j]! };
}

/**
 * The feeds for a /v1 predict call: records matched to the schema's features by name, arrays by
 * position. Every bad field is reported by instance and name (`instances.3.tenure: missing`), up
 * to MAX_ERRORS, as one 400; nothing runs unless every instance is valid.
 */
export function instancesToFeeds(layout: Layout, instances: readonly unknown[]): Map<string, HostTensor> {
  const n = instances.length;
  const width = widthOf(layout, instances);
  const { feeds, sink } = sinks(layout, n, width);
  const features = layout.features;
  const known = new Set(features?.map((f) => f.name));
  const errors = new Errors();
  instances.forEach((instance, i) => {
    if (Array.isArray(instance)) return writeArray(instance, i, width, features, sink, errors);
    if (!features) return errors.add(`instances.${i}`, `this version declares no input schema: send an array of ${width || 'its'} numbers`);
    writeRecord(instance as Record<string, unknown>, i, features, known, sink, errors);
  });
  errors.throwIfAny();
  return feeds;
}
