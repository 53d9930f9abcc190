// Jest's node environment, with the typed-array constructors of Node's own realm.
//
// Why: tests run in a vm context with its own Float32Array, BigInt64Array…, while onnxruntime-node's
// native binding creates output buffers in Node's realm. onnxruntime-common (loaded inside the
// context) checks `data instanceof Float32Array` against the context's constructor, so every
// session.run fails with "A float32 tensor's data must be type of function Float32Array()".
// Jest already shares ArrayBuffer and Uint8Array this way for the same reason (Buffer, TextEncoder).
import NodeEnvironment from 'jest-environment-node';

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'Float16Array',
];

export default class OnnxRuntimeEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) if (name in globalThis) this.global[name] = globalThis[name];
  }
}
