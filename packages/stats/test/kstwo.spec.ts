import { kstwoCdf, kstwoSf } from '../src/index.js';
import { expectRelClose } from './helpers.js';
import { KSTWO_CASES } from './reference/kstwo.ref.js';

describe('kstwo against scipy.stats.kstwo (reference/kstwo.ref.ts)', () => {
  // Every regime of Simard & L'Ecuyer's selection: Ruben–Gambino ends, Durbin, Pomeranz,
  // Pelz–Good, 2·smirnov (incl. n > 1e6 and tails down to ~1e-300).
  it.each(KSTWO_CASES.map((c) => [c.call, c] as const))('%s', (_call, c) => {
    expectRelClose(kstwoSf(c.d, c.n), c.sf, 1e-7, `sf(${c.d}, ${c.n})`);
    expectRelClose(kstwoCdf(c.d, c.n), c.cdf, 1e-7, `cdf(${c.d}, ${c.n})`);
  });
});

describe('kstwo properties', () => {
  it('sf + cdf = 1 and sf is non-increasing in d', () => {
    for (const n of [3, 40, 141, 2000, 20000]) {
      let prev = 1;
      for (let i = 1; i < 100; i++) {
        const d = i / 100;
        const sf = kstwoSf(d, n);
        expect(sf).toBeLessThanOrEqual(prev + 1e-12);
        // For n > 140 and 2.2 <= n·d² < 18 scipy takes the SF from 2·smirnov but the CDF from
        // Durbin or Pelz–Good, so the two agree only to the approximation's accuracy.
        expect(Math.abs(sf + kstwoCdf(d, n) - 1)).toBeLessThan(n > 140 ? 1e-6 : 1e-12);
        prev = sf;
      }
    }
  });

  it('is 1 below the support (d <= 1/(2n)) and 0 at d >= 1', () => {
    expect(kstwoSf(0.5 / 10, 10)).toBe(1);
    expect(kstwoSf(0, 10)).toBe(1);
    expect(kstwoSf(1, 10)).toBe(0);
  });

  it('is undefined for a non-integer or non-positive n', () => {
    expect(kstwoSf(0.1, 0)).toBeNaN();
    expect(kstwoSf(0.1, 2.5)).toBeNaN();
  });
});
