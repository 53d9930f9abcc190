import { layoutOf, SchemaMismatch } from './layout.js';
import type { TensorSpec } from './tensors.js';

const matrix = (width: number, datatype: TensorSpec['datatype'] = 'FP32'): TensorSpec => ({
  name: 'input',
  datatype,
  shape: [-1, width],
});
const features = (...names: string[]) => names.map((name) => ({ name, kind: 'numeric' as const }));

describe('layoutOf (how /v1 instances reach the model inputs)', () => {
  it('maps the schema onto one [N, F] matrix, column j = feature j', () => {
    expect(layoutOf([matrix(2)], features('a', 'b'))).toEqual({
      kind: 'matrix',
      input: matrix(2),
      width: 2,
      features: features('a', 'b'),
    });
    expect(layoutOf([{ ...matrix(2), shape: [-1, -1] }], features('a', 'b', 'c'))).toMatchObject({
      kind: 'matrix',
      width: 3,
    });
  });

  it('takes positional arrays without a schema, of the declared width', () => {
    expect(layoutOf([matrix(4)], null)).toMatchObject({ kind: 'matrix', width: 4, features: null });
    expect(layoutOf([{ ...matrix(4), shape: [-1, -1] }], null)).toMatchObject({ width: null });
  });

  it('refuses a matrix whose width is not the number of features (a schema-incompatible version)', () => {
    expect(() => layoutOf([matrix(3)], features('x0', 'x1'))).toThrow(
      new SchemaMismatch("input 'input' takes 3 columns, the input schema lists 2 features (x0, x1)"),
    );
  });

  it('refuses categorical features in a numeric matrix', () => {
    expect(() =>
      layoutOf(
        [matrix(2)],
        [
          { name: 'plan', kind: 'categorical' },
          { name: 'x', kind: 'numeric' },
        ],
      ),
    ).toThrow(/categorical features \(plan\)/);
  });

  it('maps one named input per feature, checking kinds against datatypes', () => {
    const inputs: TensorSpec[] = [
      { name: 'b', datatype: 'BYTES', shape: [-1, 1] },
      { name: 'a', datatype: 'INT64', shape: [-1] },
    ];
    const schema = [
      { name: 'a', kind: 'numeric' as const },
      { name: 'b', kind: 'categorical' as const },
    ];
    expect(layoutOf(inputs, schema)).toEqual({ kind: 'columns', features: schema, inputs: [inputs[1], inputs[0]] });
    expect(() =>
      layoutOf(inputs, [
        { name: 'a', kind: 'numeric' },
        { name: 'b', kind: 'numeric' },
      ]),
    ).toThrow("feature 'b' is numeric, input 'b' is BYTES");
    expect(() => layoutOf(inputs, features('a', 'c'))).toThrow("the model's inputs (b, a) are not the input schema's features (a, c)");
    expect(() => layoutOf([{ name: 'a', datatype: 'FP32', shape: [-1, 3] }, inputs[0]!], schema)).toThrow("input 'a' has shape [-1, 3]");
  });

  it('is null for several inputs without a schema: only /v2 can call such a model', () => {
    expect(
      layoutOf(
        [
          { name: 'a', datatype: 'FP32', shape: [-1] },
          { name: 'b', datatype: 'FP32', shape: [-1] },
        ],
        null,
      ),
    ).toBeNull();
    expect(layoutOf([{ name: 'text', datatype: 'BYTES', shape: [-1, 1] }], null)).toBeNull();
  });
});
