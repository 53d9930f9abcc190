import { featuresOf, InputSchemaError } from './input-schema.js';

describe('featuresOf (a version input schema as features)', () => {
  it('reads inputSchema.inputs in order, as names or {name, kind|type}', () => {
    expect(
      featuresOf({
        inputs: ['a', { name: 'b', type: 'string' }, { name: 'c', kind: 'boolean' }, { name: 'd', type: 'double' }],
      }),
    ).toEqual([
      { name: 'a', kind: 'numeric' },
      { name: 'b', kind: 'categorical' },
      { name: 'c', kind: 'boolean' },
      { name: 'd', kind: 'numeric' },
    ]);
  });

  it("reads a learning pipeline's inputSchema.features when there is no inputs", () => {
    expect(featuresOf({ features: [{ name: 'plan', kind: 'categorical' }] })).toEqual([{ name: 'plan', kind: 'categorical' }]);
    expect(featuresOf({ inputs: ['x'], features: [{ name: 'y', kind: 'numeric' }] })).toEqual([{ name: 'x', kind: 'numeric' }]);
  });

  it('is null without a schema or without either list', () => {
    expect(featuresOf(null)).toBeNull();
    expect(featuresOf({ columns: ['a'] })).toBeNull();
  });

  it.each([
    [{ inputs: [] }, 'inputSchema.inputs must be a non-empty array'],
    [{ inputs: 'a,b' }, 'inputSchema.inputs must be a non-empty array'],
    [{ inputs: [{ kind: 'numeric' }] }, 'inputSchema.inputs.0: a name or {name, kind} is expected'],
    [{ inputs: ['a', { name: 'b', type: 'datetime' }] }, 'inputSchema.inputs.1 (b): unknown kind "datetime"'],
    [{ features: ['a', 'a'] }, "inputSchema.features names 'a' twice"],
  ])('refuses %j', (schema, message) => {
    expect(() => featuresOf(schema as never)).toThrow(new InputSchemaError(message));
  });

  it('never reads a kind from the prototype', () => {
    expect(() => featuresOf({ inputs: [{ name: 'a', type: 'constructor' }] })).toThrow(InputSchemaError);
    expect(featuresOf({ inputs: [{ name: 'toString' }] })).toEqual([{ name: 'toString', kind: 'numeric' }]);
  });
});
