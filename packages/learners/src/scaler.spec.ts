import { OnlineStandardScaler } from './scaler.js';

// Rows with a column near 1e9: a naive Σx² − n·mean² formula loses every digit of the variance there.
const ROWS = [
  [1e9 + 4, 0.5, -3],
  [1e9 + 7, 0.25, -2],
  [1e9 + 13, 1.5, -7],
  [1e9 + 16, 0.75, -1],
  [1e9 + 10, 2.0, -4.5],
  [1e9 + 1, 0.125, -6],
];
// numpy 2.4 (pairwise summation, two-pass variance): X.mean(axis=0) and X.var(axis=0) (ddof = 0) of ROWS,
// printed by scripts/reference-values.py.
const NUMPY_MEAN = [1000000008.5, 0.8541666666666666, -3.9166666666666665];
const NUMPY_VAR = [26.25, 0.46050347222222227, 4.534722222222222];

/** |a − b| within `rel` of |b|. */
function expectRelClose(a: number, b: number, rel: number): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.abs(b));
}

describe('OnlineStandardScaler (Welford)', () => {
  it('matches numpy mean and population variance on dense rows', () => {
    const s = new OnlineStandardScaler();
    for (const r of ROWS) s.learnOne(Float64Array.from(r));
    for (let i = 0; i < 3; i++) {
      expect(s.count(i)).toBe(6);
      expectRelClose(s.mean(i), NUMPY_MEAN[i]!, 1e-15);
      expectRelClose(s.variance(i), NUMPY_VAR[i]!, 1e-9);
    }
    const z = s.transformOne(Float64Array.from(ROWS[2]!));
    const expected = ROWS[2]!.map((v, i) => (v - NUMPY_MEAN[i]!) / Math.sqrt(NUMPY_VAR[i]!));
    z.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 8));
  });

  it('keeps statistics per name for records, skipping absent and non-numeric values', () => {
    const s = new OnlineStandardScaler();
    ROWS.forEach((r, k) => s.learnOne({ a: r[0], b: r[1], c: k % 2 === 0 ? r[2] : undefined, tag: 'x' }));
    expectRelClose(s.mean('a'), NUMPY_MEAN[0]!, 1e-15);
    expectRelClose(s.variance('a'), NUMPY_VAR[0]!, 1e-9);
    expectRelClose(s.variance('b'), NUMPY_VAR[1]!, 1e-12);
    // c was present in rows 0, 2, 4: numpy.var([-3, -7, -4.5]) = 2.722222222222222, mean −4.833333333333333
    expect(s.count('c')).toBe(3);
    expect(s.mean('c')).toBeCloseTo(-4.833333333333333, 14);
    expect(s.variance('c')).toBeCloseTo(2.722222222222222, 14);
    expect(s.count('tag')).toBe(0);
    const out = s.transformOne({ b: NUMPY_MEAN[1]! + Math.sqrt(NUMPY_VAR[1]!), tag: 'x', unseen: 5 });
    expect(out.b).toBeCloseTo(1, 12);
    expect(out.tag).toBe('x');
    expect(out.unseen).toBe(0); // no statistics: sd 0 → 0
  });

  it('keeps features named after Object.prototype members', () => {
    const s = new OnlineStandardScaler();
    // JSON.parse makes "__proto__" an own key, as a record read back from storage would have it.
    const record = JSON.parse('{"__proto__": 2, "constructor": 3, "a": 1}') as Record<string, number>;
    s.learnOne(record);
    const out = s.transformOne(record);
    expect(Object.keys(out).sort()).toEqual(['__proto__', 'a', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe(0);
    expect(out.constructor).toBe(0);
  });

  it('transforms a constant feature to 0 and refuses a dense input of another length', () => {
    const s = new OnlineStandardScaler();
    s.learnOne(Float64Array.of(3, 1));
    s.learnOne(Float64Array.of(3, 2));
    expect(Array.from(s.transformOne(Float64Array.of(3, 2)))).toEqual([0, 1]);
    expect(() => s.learnOne(Float64Array.of(1, 2, 3))).toThrow(/2 features/);
  });

  it('round-trips through JSON and continues identically', () => {
    const a = new OnlineStandardScaler();
    ROWS.slice(0, 3).forEach((r) => {
      a.learnOne(Float64Array.from(r));
      a.learnOne({ u: r[1], v: r[2] });
    });
    const b = OnlineStandardScaler.fromJSON(JSON.parse(JSON.stringify(a)));
    for (const s of [a, b]) {
      ROWS.slice(3).forEach((r) => {
        s.learnOne(Float64Array.from(r));
        s.learnOne({ u: r[1], v: r[2] });
      });
    }
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(Array.from(b.transformOne(Float64Array.from(ROWS[0]!)))).toEqual(Array.from(a.transformOne(Float64Array.from(ROWS[0]!))));
  });
});
