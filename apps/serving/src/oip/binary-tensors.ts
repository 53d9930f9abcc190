import { allocate, elementSize, type Datatype, type HostTensor, type TensorData } from '../runtime/tensors.js';

/**
 * The Open Inference Protocol's binary tensor data extension (KServe / Triton): tensor elements
 * little-endian, row-major, without padding; BOOL one byte (0 or 1); BYTES each element a 4-byte
 * little-endian length followed by its bytes.
 */
export const BINARY_EXTENSION = 'binary_tensor_data';
/** Length of the JSON header at the start of a body (request or response) carrying binary tensors. */
export const INFERENCE_HEADER_LENGTH = 'inference-header-content-length';

/** Typed arrays use the host's byte order; the extension's is little-endian. */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function swapBytes(bytes: Uint8Array, size: number): void {
  if (HOST_LITTLE_ENDIAN || size === 1) return;
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}

/** Bytes a tensor of `count` elements takes in binary, or undefined for BYTES (it depends on the strings). */
export function binarySize(datatype: Datatype, count: number): number | undefined {
  const size = elementSize(datatype);
  return size === undefined ? undefined : size * count;
}

export type Decoded = { data: TensorData } | { problem: { element?: number; message: string } };

function decodeStrings(count: number, bytes: Uint8Array): Decoded {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Array<string>(count);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    if (pos + 4 > bytes.length) return { problem: { message: `holds ${i} BYTES elements, the shape ${count}` } };
    const length = view.getUint32(pos, true);
    pos += 4;
    if (pos + length > bytes.length) return { problem: { element: i, message: `its length ${length} runs past the binary data` } };
    try {
      data[i] = utf8.decode(bytes.subarray(pos, pos + length));
    } catch {
      return { problem: { element: i, message: 'is not valid UTF-8' } };
    }
    pos += length;
  }
  if (pos !== bytes.length)
    return { problem: { message: `${bytes.length - pos} bytes are left after the shape's ${count} BYTES elements` } };
  return { data };
}

/** The first element that breaks the datatype's rules, as the JSON path has them: finite floats, booleans 0 or 1. */
function firstInvalid(datatype: Datatype, data: TensorData): Decoded | null {
  if (datatype === 'FP32' || datatype === 'FP64') {
    const values = data as Float32Array | Float64Array;
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) return { problem: { element: i, message: `must be a finite number, not ${values[i]}` } };
    }
  } else if (datatype === 'BOOL') {
    const values = data as Uint8Array;
    for (let i = 0; i < values.length; i++) {
      if (values[i]! > 1) return { problem: { element: i, message: `must be a BOOL byte (0 or 1), not ${values[i]}` } };
    }
  }
  return null;
}

/**
 * `count` elements of `datatype` from `bytes`, whose length the caller has checked against the
 * shape (fixed-size datatypes). The bytes are copied into a typed array of the host's alignment.
 */
export function decodeBinary(datatype: Datatype, count: number, bytes: Uint8Array): Decoded {
  const size = elementSize(datatype);
  if (size === undefined) return decodeStrings(count, bytes);
  const data = allocate(datatype, count) as Exclude<TensorData, string[]>;
  const target = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  target.set(bytes);
  swapBytes(target, size);
  return firstInvalid(datatype, data) ?? { data };
}

/** A tensor's elements in binary form (little-endian; BOOL as 0/1 bytes; BYTES length-prefixed UTF-8). */
export function encodeBinary(t: HostTensor): Buffer {
  const size = elementSize(t.datatype);
  if (size === undefined) {
    const parts = (t.data as string[]).flatMap((s) => {
      const bytes = Buffer.from(s, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    });
    return Buffer.concat(parts);
  }
  const data = t.data as Exclude<TensorData, string[]>;
  if (t.datatype === 'BOOL') return Buffer.from(Uint8Array.from(data as Uint8Array, (v) => (v ? 1 : 0)));
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (HOST_LITTLE_ENDIAN) return bytes;
  const copy = Buffer.from(bytes);
  swapBytes(copy, size);
  return copy;
}
