import { ONNX_PRODUCER, toOnnx, LogisticRegression } from '@modelyard/learners';
import { onnxProducerName } from './onnx-producer.js';

// ModelProto on the wire: field 1 ir_version (varint, tag 0x08), field 2 producer_name (bytes, tag 0x12).
const header = (producer: string) => {
  const name = Buffer.from(producer, 'utf8');
  return Uint8Array.from([0x08, 0x08, 0x12, name.length, ...name]);
};

describe('onnxProducerName', () => {
  it("reads the exporter's name from a model @modelyard/learners wrote", () => {
    const bytes = toOnnx(new LogisticRegression({ dim: 3 }), { input: { kind: 'dense', names: ['a', 'b', 'c'] } });
    expect(ONNX_PRODUCER).toBe('@modelyard/learners');
    expect(onnxProducerName(bytes)).toBe('@modelyard/learners');
  });

  it("reads another converter's name, after fields it skips", () => {
    expect(onnxProducerName(header('skl2onnx'))).toBe('skl2onnx');
    // doc_string (field 6, tag 0x32) before producer_name: skipped by its length.
    expect(onnxProducerName(Uint8Array.from([0x32, 0x02, 0x68, 0x69, ...header('tf2onnx')]))).toBe('tf2onnx');
  });

  it('answers null when there is no name or the bytes are not a message', () => {
    expect(onnxProducerName(Uint8Array.from([0x08, 0x08]))).toBeNull();
    expect(onnxProducerName(header('skl2onnx').subarray(0, 6))).toBeNull(); // length past the end
    expect(onnxProducerName(Uint8Array.from([0x0f, 0x01]))).toBeNull(); // wire type 7 does not exist
    expect(onnxProducerName(new Uint8Array())).toBeNull();
  });
});
