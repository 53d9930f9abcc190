import { decodeBinary, encodeBinary } from './binary-tensors.js';

describe('binary tensor data', () => {
  it('encodes little-endian elements, BOOL as 0/1 bytes and BYTES length-prefixed, and decodes them back', () => {
    const fp32 = encodeBinary({ datatype: 'FP32', shape: [2], data: Float32Array.from([1, -2.5]) });
    // 1.0f = 0x3f800000, -2.5f = 0xc0200000, little-endian.
    expect([...fp32]).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0]);
    const int64 = encodeBinary({ datatype: 'INT64', shape: [1], data: BigInt64Array.from([258n]) });
    expect([...int64]).toEqual([2, 1, 0, 0, 0, 0, 0, 0]);
    expect([...encodeBinary({ datatype: 'BOOL', shape: [2], data: Uint8Array.from([0, 1]) })]).toEqual([0, 1]);
    const words = encodeBinary({ datatype: 'BYTES', shape: [2], data: ['ab', 'é'] });
    expect([...words]).toEqual([2, 0, 0, 0, 0x61, 0x62, 2, 0, 0, 0, 0xc3, 0xa9]);
    expect(decodeBinary('BYTES', 2, words)).toEqual({ data: ['ab', 'é'] });
    expect(decodeBinary('FP32', 2, fp32)).toEqual({ data: Float32Array.from([1, -2.5]) });
    expect(decodeBinary('INT64', 1, int64)).toEqual({ data: BigInt64Array.from([258n]) });
  });

  it('names what is wrong in BYTES data', () => {
    expect(decodeBinary('BYTES', 1, Uint8Array.from([9, 0, 0, 0, 1]))).toEqual({
      problem: { element: 0, message: 'its length 9 runs past the binary data' },
    });
    expect(decodeBinary('BYTES', 1, Uint8Array.from([1, 0, 0, 0, 0xff]))).toEqual({
      problem: { element: 0, message: 'is not valid UTF-8' },
    });
    expect(decodeBinary('BYTES', 1, Uint8Array.from([0, 0, 0, 0, 7]))).toEqual({
      problem: { message: "1 bytes are left after the shape's 1 BYTES elements" },
    });
  });
});
