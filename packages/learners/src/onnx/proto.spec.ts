import onnxProto from 'onnx-proto';
import { AttributeType, DataType, decodeModel, encodeModel, node, valueInfo } from './proto.js';

describe('onnx proto constants', () => {
  it('DataType and AttributeType hold onnx-proto’s values (onnx.proto, IR version 8)', () => {
    const { TensorProto, AttributeProto } = onnxProto.onnx;
    for (const [name, value] of Object.entries(DataType)) {
      expect([name, value]).toEqual([name, TensorProto.DataType[name as keyof typeof TensorProto.DataType]]);
    }
    for (const [name, value] of Object.entries(AttributeType)) {
      expect([name, value]).toEqual([name, AttributeProto.AttributeType[name as keyof typeof AttributeProto.AttributeType]]);
    }
    // Every data type of the schema is written out.
    expect(Object.keys(DataType).sort()).toEqual(
      Object.keys(TensorProto.DataType)
        .filter((k) => Number.isNaN(Number(k)))
        .sort(),
    );
  });

  it('encodes and decodes a model through the lazily loaded schema', () => {
    const bytes = encodeModel({
      graph: {
        name: 'g',
        node: [node('Identity', ['x'], ['y'])],
        input: [valueInfo('x', DataType.FLOAT, ['N', 2])],
        output: [valueInfo('y', DataType.FLOAT, ['N', 2])],
      },
    });
    const model = decodeModel(bytes);
    expect(model.graph?.node?.[0]?.opType).toBe('Identity');
    expect(model.graph?.input?.[0]?.type?.tensorType?.elemType).toBe(1);
    expect(Number(model.irVersion)).toBe(8);
  });
});
