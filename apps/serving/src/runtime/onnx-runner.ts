import * as ort from 'onnxruntime-node';
import { ModelLoadError, type Runner } from './runner.js';
import { datatypeOfOrt, ortType, type HostTensor, type TensorData, type TensorSpec } from './tensors.js';

/**
 * One thread per inference, no spinning: onnxruntime's default pool spins its threads after every
 * call, and on a service answering many small calls those spinning threads took the CPU from the
 * event loop (a third of the throughput on two cores). Large models may want more
 * (SERVING_ONNX_THREADS), at the cost of the other requests' latency.
 */
export function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    // Warnings (unused initializers, …) would be printed on stderr for every load, outside the JSON logs.
    logSeverityLevel: 3,
  };
}

function spec(meta: ort.InferenceSession.ValueMetadata, side: string): TensorSpec | null {
  if (!meta.isTensor) return null;
  const datatype = datatypeOfOrt(meta.type);
  if (!datatype) throw new ModelLoadError(`${side} '${meta.name}' has type ${meta.type}, which is not served`);
  // Symbolic dimensions ('N', 'batch') are variable; an empty shape means the graph does not say.
  const shape = meta.shape.length ? meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)) : null;
  return { name: meta.name, datatype, shape };
}

/**
 * An ONNX model in onnxruntime-node (CPU). Every operator onnxruntime supports runs, including the
 * ai.onnx.ml domain of the scikit-learn / XGBoost / LightGBM converters. Non-tensor outputs (ZipMap's
 * sequences of maps) are left out: convert with zipmap off to get the probabilities as a tensor.
 */
export class OnnxRunner implements Runner {
  readonly format = 'onnx' as const;
  readonly platform = 'onnxruntime_onnx';

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly inputs: readonly TensorSpec[],
    readonly outputs: readonly TensorSpec[],
  ) {}

  static async create(bytes: Uint8Array, threads = 1): Promise<OnnxRunner> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, sessionOptions(threads));
    } catch (err) {
      throw new ModelLoadError(`onnxruntime cannot load the model: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      const inputs = session.inputMetadata.map((m) => spec(m, 'input'));
      if (inputs.some((i) => i === null)) throw new ModelLoadError('the model has a non-tensor input, which is not served');
      const outputs = session.outputMetadata.map((m) => spec(m, 'output')).filter((o) => o !== null);
      if (outputs.length === 0) throw new ModelLoadError('the model has no tensor output');
      return new OnnxRunner(session, inputs as TensorSpec[], outputs);
    } catch (err) {
      await session.release();
      throw err;
    }
  }

  async run(feeds: ReadonlyMap<string, HostTensor>, outputs?: readonly string[]): Promise<Map<string, HostTensor>> {
    // fromEntries defines own properties: an input named __proto__ stays an input.
    const ortFeeds = Object.fromEntries(
      [...feeds].map(([name, t]) => [name, new ort.Tensor(ortType(t.datatype) as 'float32', t.data as Float32Array, t.shape)]),
    );
    const fetches = outputs ?? this.outputs.map((o) => o.name);
    const result = await this.session.run(ortFeeds, fetches as string[]);
    const out = new Map<string, HostTensor>();
    for (const name of fetches) {
      const t = Object.hasOwn(result, name) ? result[name] : undefined;
      if (!t) continue;
      const datatype = datatypeOfOrt(t.type)!;
      out.set(name, { datatype, shape: t.dims.map(Number), data: t.data as TensorData });
    }
    return out;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
