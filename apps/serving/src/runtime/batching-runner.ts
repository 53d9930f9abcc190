import { TurnBatches } from '@modelyard/platform';
import type { Runner } from './runner.js';
import { allocate, type HostTensor, type TensorData } from './tensors.js';

/** Rows in one batched run at most: a batch must not hold up its first caller behind a long run. */
export const MAX_BATCH_ROWS = 1_024;

type Feeds = ReadonlyMap<string, HostTensor>;
type Outputs = Map<string, HostTensor>;

interface Call {
  feeds: Feeds;
  rows: number;
  resolve: (out: Outputs) => void;
  reject: (err: unknown) => void;
}

interface Group {
  outputs: readonly string[] | undefined;
  calls: Call[];
  rows: number;
}

/**
 * Dynamic batching: the runs asked for in one turn of the event loop with inputs of the same
 * names, datatypes and row shape, and the same outputs, go to the model as one run over all their
 * rows, and each caller gets its own rows back. A model's fixed cost per call (onnxruntime's run
 * and its tensors, the binding) is then paid once per turn instead of once per request.
 *
 * Only for models whose rows are independent (each output row a function of that input row
 * alone; VersionLoader decides which), and checked on every run: when an output's first dimension
 * is not the number of rows, or the batched run fails, every call is run again on its own, so a
 * bad request fails alone and answers exactly as unbatched; after the first, the version is not
 * batched any more.
 */
export class BatchingRunner implements Runner {
  readonly format: Runner['format'];
  readonly platform: string;
  readonly inputs: Runner['inputs'];
  readonly outputs: Runner['outputs'];
  // By the calls' signature (see signature()): only like calls share a run.
  private readonly batches = new TurnBatches<Group>((group) => this.send(group));
  /** Runs sent to the model so far (batched or not). */
  runs = 0;
  /**
   * Off for good once an output came back without one row per input row: that is the model's
   * shape, not one input's, and every later batch would be run twice.
   */
  private batching = true;

  /** `onShared(n)`: n calls were answered from one run. */
  constructor(
    private readonly inner: Runner,
    private readonly onShared: (calls: number) => void = () => {},
  ) {
    this.format = inner.format;
    this.platform = inner.platform;
    this.inputs = inner.inputs;
    this.outputs = inner.outputs;
  }

  run(feeds: Feeds, outputs?: readonly string[]): Promise<Outputs> {
    const like = signature(feeds, outputs);
    if (!this.batching || like === null || like.rows === 0 || like.rows >= MAX_BATCH_ROWS) return this.runAlone(feeds, outputs);
    const { key, rows } = like;
    return new Promise((resolve, reject) => {
      const group = this.batches.take(
        key,
        () => ({ outputs, calls: [], rows: 0 }),
        (g) => g.rows + rows > MAX_BATCH_ROWS,
      );
      group.calls.push({ feeds, rows, resolve, reject });
      group.rows += rows;
    });
  }

  release(): Promise<void> {
    return this.inner.release();
  }

  private runAlone(feeds: Feeds, outputs?: readonly string[]): Promise<Outputs> {
    this.runs++;
    return this.inner.run(feeds, outputs);
  }

  private send(group: Group): void {
    const { calls, outputs } = group;
    if (calls.length === 1) {
      const [call] = calls;
      this.runAlone(call!.feeds, outputs).then(call!.resolve, call!.reject);
      return;
    }
    this.runAlone(concatenated(calls.map((c) => c.feeds)), outputs).then(
      (out) => {
        const parts = split(out, calls, group.rows);
        if (!parts) {
          this.batching = false;
          return this.oneByOne(group);
        }
        this.onShared(calls.length);
        calls.forEach((c, i) => c.resolve(parts[i]!));
      },
      () => this.oneByOne(group),
    );
  }

  /** Each call on its own: its answer or its own error, as if it had never been batched. */
  private oneByOne({ calls, outputs }: Group): void {
    for (const c of calls) this.runAlone(c.feeds, outputs).then(c.resolve, c.reject);
  }
}

/**
 * What calls must share to be run together: every input's name, datatype and shape after the first
 * dimension (rows, the same count for every input), and the outputs asked for; null when the feeds
 * have no row dimension to batch on.
 */
function signature(feeds: Feeds, outputs: readonly string[] | undefined): { key: string; rows: number } | null {
  let rows: number | undefined;
  const parts: string[] = [outputs ? outputs.join('\0') : '*'];
  for (const [name, t] of feeds) {
    if (t.shape.length === 0) return null;
    if (rows === undefined) rows = t.shape[0];
    else if (t.shape[0] !== rows) return null;
    parts.push(`${name}\0${t.datatype}\0${t.shape.slice(1).join(',')}`);
  }
  return rows === undefined ? null : { key: parts.join('\n'), rows };
}

/** The calls' feeds as one, their rows one after another in call order. */
function concatenated(all: Feeds[]): Feeds {
  const out = new Map<string, HostTensor>();
  for (const [name, first] of all[0]!) {
    const tensors = all.map((f) => f.get(name)!);
    const rows = tensors.reduce((n, t) => n + t.shape[0]!, 0);
    const data = allocate(
      first.datatype,
      tensors.reduce((n, t) => n + t.data.length, 0),
    );
    let at = 0;
    for (const t of tensors) {
      if (Array.isArray(data)) for (let i = 0; i < t.data.length; i++) data[at + i] = (t.data as string[])[i]!;
      else (data as Exclude<TensorData, string[]>).set(t.data as never, at);
      at += t.data.length;
    }
    out.set(name, { datatype: first.datatype, shape: [rows, ...first.shape.slice(1)], data });
  }
  return out;
}

/** Each call's rows of every output; null when an output is not one row per input row. */
function split(out: Outputs, calls: Call[], rows: number): Outputs[] | null {
  const parts = calls.map(() => new Map<string, HostTensor>());
  for (const [name, t] of out) {
    if (t.shape[0] !== rows || t.data.length % rows !== 0) return null;
    const width = t.data.length / rows;
    let at = 0;
    calls.forEach((c, i) => {
      const data = t.data.slice(at * width, (at + c.rows) * width) as TensorData;
      parts[i]!.set(name, { datatype: t.datatype, shape: [c.rows, ...t.shape.slice(1)], data });
      at += c.rows;
    });
  }
  return parts;
}
