import { normals } from '../test/harness.js';
import { runDriftTest, type ReferenceColumn } from '../checks/drift-tests.js';
import { decodeReference, encodeReference } from './reference.codec.js';
import { emptyCounts, prepared } from './reference.mapper.js';

const sample = (seed: number, n: number, shift = 0) => {
  const z = normals(seed);
  return Float64Array.from({ length: n }, () => z() + shift);
};

describe('a reference as stored for checks', () => {
  it('sorts a feature once, with its distinct count, and leaves `$` columns in their order', () => {
    const values = Float64Array.from([3, 1, 2, 1, -0, 0]);
    const feature = prepared('age', { kind: 'numeric', values, missing: 2 });
    expect(feature).toMatchObject({ kind: 'numeric', sorted: true, distinct: 4, missing: 2 });
    expect(Array.from((feature as { values: Float64Array }).values)).toEqual([-0, 0, 1, 1, 2, 3]);
    expect(Array.from(values)).toEqual([3, 1, 2, 1, -0, 0]);
    const latency = prepared('$latency', { kind: 'numeric', values });
    expect(latency).toEqual({ kind: 'numeric', values });
  });

  it('round-trips through its binary form, from an aligned or an unaligned buffer', () => {
    const counts = emptyCounts();
    counts['__proto__'] = 3;
    counts.b = 5;
    const reference = new Map<string, ReferenceColumn>([
      ['age', prepared('age', { kind: 'numeric', values: sample(1, 1001), missing: 7 })],
      ['plan', { kind: 'categorical', counts, missing: 1 }],
      ['$latency', { kind: 'numeric', values: Float64Array.from([5, 2, 9]) }],
      ['empty', prepared('empty', { kind: 'numeric', values: new Float64Array(), missing: 4 })],
    ]);
    const bytes = encodeReference(reference);
    const unaligned = Buffer.alloc(bytes.length + 3);
    bytes.copy(unaligned, 3);
    for (const input of [bytes, unaligned.subarray(3)]) {
      const decoded = decodeReference(input)!;
      expect([...decoded.keys()]).toEqual(['age', 'plan', '$latency', 'empty']);
      expect(decoded.get('age')).toEqual(reference.get('age'));
      expect(decoded.get('$latency')).toEqual({ kind: 'numeric', values: Float64Array.from([5, 2, 9]), missing: 0 });
      expect(decoded.get('empty')).toEqual({ kind: 'numeric', values: new Float64Array(), missing: 4, sorted: true, distinct: 0 });
      const plan = decoded.get('plan') as { counts: Record<string, number>; missing: number };
      expect(Object.entries(plan.counts)).toEqual([
        ['__proto__', 3],
        ['b', 5],
      ]);
      expect(plan.missing).toBe(1);
    }
    expect(decodeReference(Buffer.from([1, 0]))).toBeNull();
  });

  it('gives every test the results of the unsorted reference', () => {
    const raw = sample(2, 3000);
    const current = sample(3, 2000, 0.1);
    const sorted = prepared('x', { kind: 'numeric', values: raw });
    for (const test of ['ks', 'psi', 'wasserstein', 'auto', 'js'] as const) {
      const spec = { name: 'x', kind: 'numeric' as const, test };
      expect(runDriftTest(spec, sorted, current)).toEqual(runDriftTest(spec, { kind: 'numeric', values: raw }, current));
    }
  });
});
