import { haltonPoint, radicalInverse } from './halton.js';
import { Sobol } from './sobol.js';

// Reference rows from scipy 1.17.1:
//   from scipy.stats import qmc
//   qmc.Sobol(d=8, scramble=False).random(32)[[0..7, 13, 21, 31]]
//   qmc.Halton(d=4, scramble=False).random(6)
const SOBOL_FIRST_8 = [
  [0, 0, 0, 0, 0, 0, 0, 0],
  [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
  [0.75, 0.25, 0.25, 0.25, 0.75, 0.75, 0.25, 0.75],
  [0.25, 0.75, 0.75, 0.75, 0.25, 0.25, 0.75, 0.25],
  [0.375, 0.375, 0.625, 0.875, 0.375, 0.125, 0.375, 0.875],
  [0.875, 0.875, 0.125, 0.375, 0.875, 0.625, 0.875, 0.375],
  [0.625, 0.125, 0.875, 0.625, 0.625, 0.875, 0.125, 0.125],
  [0.125, 0.625, 0.375, 0.125, 0.125, 0.375, 0.625, 0.625],
];
const SOBOL_LATER: [number, number[]][] = [
  [13, [0.8125, 0.6875, 0.8125, 0.0625, 0.4375, 0.9375, 0.5625, 0.5625]],
  [21, [0.96875, 0.59375, 0.34375, 0.78125, 0.65625, 0.34375, 0.40625, 0.71875]],
  [31, [0.03125, 0.53125, 0.90625, 0.96875, 0.96875, 0.78125, 0.34375, 0.53125]],
];
const HALTON_FIRST_6 = [
  [0, 0, 0, 0],
  [0.5, 0.3333333333333333, 0.2, 0.14285714285714285],
  [0.25, 0.6666666666666666, 0.4, 0.2857142857142857],
  [0.75, 0.1111111111111111, 0.6000000000000001, 0.42857142857142855],
  [0.125, 0.4444444444444444, 0.8, 0.5714285714285714],
  [0.625, 0.7777777777777777, 0.04, 0.7142857142857142],
];

describe('Sobol', () => {
  const sobol = new Sobol(8);
  it.each(SOBOL_FIRST_8.map((row, i) => [i, row] as const))('point %i equals scipy', (i, row) => {
    expect(sobol.point(i)).toEqual(row);
  });
  it.each(SOBOL_LATER)('point %i equals scipy', (i, row) => {
    expect(sobol.point(i)).toEqual(row);
  });
  it('fills each dyadic interval once per 2^k points (a (0, 1)-sequence in every coordinate)', () => {
    const firstCoordinates = Array.from({ length: 16 }, (_, i) => new Sobol(3).point(i)[2]!);
    expect(new Set(firstCoordinates.map((x) => Math.floor(x * 16))).size).toBe(16);
  });
  it('refuses dimensions and indices it cannot give', () => {
    expect(() => new Sobol(0)).toThrow(RangeError);
    expect(() => new Sobol(9)).toThrow(RangeError);
    expect(() => sobol.point(-1)).toThrow(RangeError);
  });
});

describe('Halton', () => {
  it.each(HALTON_FIRST_6.map((row, i) => [i, row] as const))('point %i equals scipy', (i, row) => {
    const point = haltonPoint(i, 4);
    row.forEach((x, j) => expect(point[j]).toBeCloseTo(x, 15));
  });
  it('mirrors the digits: φ_2(6) = 0.011₂ = 0.375, φ_3(5) = 0.21₃ = 7/9', () => {
    expect(radicalInverse(6, 2)).toBe(0.375);
    expect(radicalInverse(5, 3)).toBeCloseTo(7 / 9, 15);
  });
  it('refuses dimensions past its primes', () => {
    expect(() => haltonPoint(1, 17)).toThrow(RangeError);
  });
});
