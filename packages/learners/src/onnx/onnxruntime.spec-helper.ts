/**
 * Runs ONNX bytes in onnxruntime-node (a devDependency: only the tests load it, the package stays
 * pure). Kept out of the build by tsconfig.build.json's `*.spec-helper.ts` exclusion.
 */
import * as ort from 'onnxruntime-node';

export type Outputs = Record<string, ort.Tensor>;

/** Feeds `rows` (row-major, `width` columns) as a float32 [N, width] tensor named `input`. */
export async function runOnnx(bytes: Uint8Array, rows: ArrayLike<number>, width: number, input = 'input'): Promise<Outputs> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const data = Float32Array.from(rows);
    return await session.run({ [input]: new ort.Tensor('float32', data, [data.length / width, width]) });
  } finally {
    await session.release();
  }
}

/** The session's creation error message (the file must not load), or null when it loads. */
export async function loadError(bytes: Uint8Array): Promise<string | null> {
  try {
    const session = await ort.InferenceSession.create(bytes);
    await session.release();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export const numbers = (t: ort.Tensor | undefined): number[] => Array.from(t!.data as ArrayLike<number | bigint>, Number);
