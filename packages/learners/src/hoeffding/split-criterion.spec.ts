import { entropy, hoeffdingBound, informationGain, informationGainRange, splitEntropy } from './split-criterion.js';
import { GaussianObserver, NominalObserver } from './observers.js';

describe('Hoeffding bound ε = √(R² ln(1/δ) / 2n)', () => {
  it('matches hand-computed values', () => {
    // Python: math.sqrt(1 * math.log(1/1e-7) / (2*200)) — binary information gain (R = 1), MOA's default
    // δ = 1e-7 at the first split attempt (grace period 200)
    expect(hoeffdingBound(1, 1e-7, 200)).toBeCloseTo(0.20073674085078647, 14);
    // Python: math.sqrt(math.log2(3)**2 * math.log(1/1e-7) / (2*1000)) — three classes, n = 1000
    expect(hoeffdingBound(informationGainRange(3), 1e-7, 1000)).toBeCloseTo(0.1422855700125991, 14);
    // Python: math.sqrt(math.log(1/0.05) / (2*50))
    expect(hoeffdingBound(1, 0.05, 50)).toBeCloseTo(0.17308183826022852, 14);
    // ε shrinks as 1/√n: four times the samples, half the bound
    expect(hoeffdingBound(1, 1e-7, 800)).toBeCloseTo(hoeffdingBound(1, 1e-7, 200) / 2, 14);
  });

  it('uses R = log₂(classes), at least 1', () => {
    expect(informationGainRange(2)).toBe(1);
    expect(informationGainRange(1)).toBe(1);
    expect(informationGainRange(4)).toBeCloseTo(2, 15);
  });
});

describe('information gain (PlayTennis, Mitchell, "Machine Learning", 1997, §3.4.1, Table 3.2)', () => {
  // 14 days, 9 "yes" and 5 "no". Mitchell prints Entropy(S) = 0.940, Gain(S, Outlook) = 0.246,
  // Gain(S, Humidity) = 0.151, Gain(S, Wind) = 0.048, Gain(S, Temperature) = 0.029; the 15-digit values
  // are scipy 1.17: H = lambda *c: scipy.stats.entropy(c, base=2); H(9,5) − Σ |S_v|/|S| H(S_v).
  const S = [9, 5];

  it('entropy of [9+, 5−] is 0.940 bits', () => {
    expect(entropy(S)).toBeCloseTo(0.940285958670631, 14);
    expect(entropy([4, 0])).toBe(0);
    expect(entropy([3, 3])).toBeCloseTo(1, 15);
    expect(entropy([0, 0])).toBe(0);
  });

  it.each([
    [
      'Outlook',
      [
        [2, 3],
        [4, 0],
        [3, 2],
      ],
      0.246749819774439,
    ],
    [
      'Humidity',
      [
        [3, 4],
        [6, 1],
      ],
      0.15183550136234159,
    ],
    [
      'Wind',
      [
        [6, 2],
        [3, 3],
      ],
      0.04812703040826938,
    ],
    [
      'Temperature',
      [
        [2, 2],
        [4, 2],
        [3, 1],
      ],
      0.029222565658954758,
    ],
  ])('Gain(S, %s)', (_name, branches, expected) => {
    expect(informationGain(S, branches)).toBeCloseTo(expected, 14);
    expect(entropy(S) - splitEntropy(branches)).toBeCloseTo(expected, 14);
  });

  it('is −∞ when fewer than two branches hold more than the minimum fraction (MOA minBranchFrac)', () => {
    expect(
      informationGain(
        [100, 100],
        [
          [100, 100],
          [0, 0],
        ],
      ),
    ).toBe(-Infinity);
    // 1 of 201 samples is 0.5% < 1%
    expect(
      informationGain(
        [101, 100],
        [
          [100, 100],
          [1, 0],
        ],
      ),
    ).toBe(-Infinity);
    expect(
      informationGain(
        [101, 100],
        [
          [100, 100],
          [1, 0],
        ],
        0.001,
      ),
    ).toBeGreaterThan(0);
  });
});

describe('attribute observers', () => {
  // Class 0 values 1, 2.5, 2, 4, 3.5 and class 1 values 5, 6.5, 4.5, 7.
  const make = (): GaussianObserver => {
    const o = new GaussianObserver(2);
    [1, 2.5, 2, 4, 3.5].forEach((x) => o.update(x, 0, 1));
    [5, 6.5, 4.5, 7].forEach((x) => o.update(x, 1, 1));
    return o;
  };

  it('Gaussian: mean, sample variance, split weights and density as numpy/scipy', () => {
    const o = make();
    // numpy: x0.mean() = 2.6, x0.var(ddof=1) = 1.425; x1.mean() = 5.75, x1.var(ddof=1) = 1.4166666666666667
    expect(o.mean[0]).toBeCloseTo(2.6, 14);
    expect(o.sd(0) ** 2).toBeCloseTo(1.425, 14);
    expect(o.mean[1]).toBeCloseTo(5.75, 14);
    expect(o.sd(1) ** 2).toBeCloseTo(1.4166666666666667, 14);
    const left = new Float64Array(2);
    const right = new Float64Array(2);
    o.splitAt(3, left, right);
    // scipy: 5 * norm.cdf(3, 2.6, sqrt(1.425)) = 3.1560940479250936; class 1 (min 4.5) goes right whole
    expect(left[0]).toBeCloseTo(3.1560940479250936, 12);
    expect(right[0]! + left[0]!).toBeCloseTo(5, 14);
    expect([left[1], right[1]]).toEqual([0, 4]);
    o.splitAt(5.5, left, right);
    // scipy: 4 * norm.cdf(5.5, 5.75, sqrt(1.4166666666666667)) = 1.6672697660493645; class 0 (max 4) goes left whole
    expect(left[1]).toBeCloseTo(1.6672697660493645, 12);
    expect([left[0], right[0]]).toEqual([5, 0]);
    // Outside a class's [min, max] the class goes to one side whole.
    o.splitAt(4.2, left, right);
    expect([left[0], right[0]]).toEqual([5, 0]);
    expect([left[1], right[1]]).toEqual([0, 4]);
    // scipy: norm.logpdf(3, 2.6, sqrt(1.425)) = -1.1521647909421726
    expect(o.logDensity(3, 0)).toBeCloseTo(-1.1521647909421726, 12);
  });

  it('Gaussian: the best of 10 equally spaced thresholds inside [min, max]', () => {
    const o = make();
    const best = o.bestSplit(Float64Array.of(5, 4), 10, 0.01)!;
    // Candidates are 1 + 6·i/11, i = 1..10; the classes part between 4 and 4.5, so the winner is the
    // candidate nearest that gap: 1 + 6·6/11 = 4.2727… (class 0 ≤ 4 entirely left, class 1 ≥ 4.5 right)
    expect(best.threshold).toBeCloseTo(1 + (6 * 6) / 11, 14);
    expect(best.merit).toBeCloseTo(entropy([5, 4]), 14);
  });

  it('nominal: Laplace-smoothed likelihoods and one branch per value', () => {
    const o = new NominalObserver(2);
    // PlayTennis Outlook: sunny (code 0) 2+ 3−, overcast (1) 4+ 0−, rain (2) 3+ 2−; class 1 = yes
    const rows: [number, number, number][] = [
      [0, 1, 2],
      [0, 0, 3],
      [1, 1, 4],
      [2, 1, 3],
      [2, 0, 2],
    ];
    for (const [code, c, n] of rows) for (let k = 0; k < n; k++) o.update(code, c, 1);
    // P(sunny | yes) = (2 + 1) / (9 + 3)
    expect(Math.exp(o.logDensity(0, 1))).toBeCloseTo(3 / 12, 15);
    // an unseen value: (0 + 1) / (5 + 3)
    expect(Math.exp(o.logDensity(7, 0))).toBeCloseTo(1 / 8, 15);
    const split = o.bestSplit(Float64Array.of(5, 9), 10, 0.01)!;
    expect(split.codes).toEqual([0, 1, 2]);
    expect(split.merit).toBeCloseTo(0.246749819774439, 14);
  });
});
