import { sampleErrors, sampleSchemaOf, type SampleSchema } from './sample-validation.js';

const schema: SampleSchema = {
  features: [
    { name: 'n', kind: 'numeric' },
    { name: 'c', kind: 'categorical' },
    { name: 'b', kind: 'boolean' },
  ],
  target: 'y',
  classifier: true,
};

describe('sample validation', () => {
  it('accepts typed values and missing ones', () => {
    expect(
      sampleErrors(
        [
          { n: 1.5, c: 'x', b: true, y: 1 },
          { n: null, y: 0 },
        ],
        schema,
      ),
    ).toEqual([]);
  });

  it('names every bad row and field', () => {
    const errors = sampleErrors([{ n: 'a', c: 3, b: 'yes', y: 0.5, z: 1 }, { n: 1 }], schema);
    expect(errors.map((e) => e.field)).toEqual(['samples.0.n', 'samples.0.c', 'samples.0.b', 'samples.0.y', 'samples.0.z', 'samples.1.y']);
  });

  it('takes any finite target for a regression, and caps the list of problems', () => {
    expect(sampleErrors([{ n: 1, y: -3.25 }], { ...schema, classifier: false })).toEqual([]);
    expect(
      sampleErrors(
        Array.from({ length: 100 }, () => ({ n: 'x', y: 1 })),
        schema,
      ),
    ).toHaveLength(50);
  });
});

describe('sample schema of a Hoeffding tree pipeline', () => {
  const features = [{ name: 'n', kind: 'numeric' as const }];
  const of = (classes?: string[]) =>
    sampleSchemaOf({ features, target: 'y', learner: { type: 'hoeffding_tree', ...(classes ? { classes } : {}) } });

  it('takes 0/1 labels without classes, and only its class labels with them', () => {
    expect(sampleErrors([{ n: 1, y: 1 }], of())).toEqual([]);
    expect(sampleErrors([{ n: 1, y: 'low' }], of()).map((e) => e.message)).toEqual(['the label must be 0 or 1']);
    expect(sampleErrors([{ n: 1, y: 'low' }], of(['low', 'high']))).toEqual([]);
    expect(sampleErrors([{ n: 1, y: 1 }], of(['low', 'high'])).map((e) => e.message)).toEqual([
      "the label is not one of the learner's classes",
    ]);
  });
});
