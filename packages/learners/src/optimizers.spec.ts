import { Adagrad, createOptimizer, Ftrl, optimizerFromJSON, Sgd, type Optimizer } from './optimizers.js';

/** One regularised update of coordinate 0 with gradient g. */
function once(opt: Optimizer, w: Float64Array, g: number, regularise = true): void {
  opt.beginStep();
  opt.step(w, Float64Array.of(g), null, 1, regularise);
}

// Each expected value below was computed step by step in Python 3 (float64; scripts/reference-values.py) from the update rule
// written in the comment, independently of this implementation.
describe('optimizers, one coordinate at a time', () => {
  it('FTRL-Proximal follows McMahan et al. 2013, Algorithm 1', () => {
    // α = 0.5, β = 1, λ1 = 0.1, λ2 = 0.2, gradients 0.6, −0.8, −0.5:
    //   σ = (√(n + g²) − √n)/α; z += g − σ w; n += g²; w = 0 if |z| ≤ λ1 else −(z − sgn(z)λ1)/((β + √n)/α + λ2)
    //   step 1: σ = 1.2,    z = 0.6,        n = 0.36, w = −0.5/3.4
    //   step 2: σ = 0.8,    z = −0.0823…,   n = 1,    |z| ≤ λ1 → w = 0
    //   step 3: σ = 0.236…, z = −0.5823…,   n = 1.25, w = 0.4823…/4.4360…
    const opt = new Ftrl(0.5, 1, new Float64Array(1), new Float64Array(1), { l1: 0.1, l2: 0.2 });
    const w = new Float64Array(1);
    const expected = [
      [0.6, 0.36, -0.14705882352941174],
      [-0.08235294117647063, 1.0, 0.0],
      [-0.5823529411764706, 1.25, 0.10873434393318954],
    ];
    [0.6, -0.8, -0.5].forEach((g, t) => {
      once(opt, w, g);
      const [z, n, wt] = expected[t]!;
      expect(opt.z[0]).toBeCloseTo(z!, 14);
      expect(opt.n[0]).toBe(n);
      expect(w[0]).toBeCloseTo(wt!, 14);
    });
    expect(w[0]).not.toBe(0);
  });

  it('SGD with inverse scaling, L2 in the gradient and the L1 proximal step', () => {
    // η_t = 0.1/√t, λ2 = 0.5, λ1 = 0.02: w ← shrink(w − η_t (g + λ2 w), η_t λ1)
    //   t = 1, g = 0.4:  w = shrink(−0.04, 0.002) = −0.038
    //   t = 2, g = −0.3: w = shrink(−0.038 + 0.0707…·0.319, 0.0014142…) = −0.0140290801…
    const opt = new Sgd(0.1, 'invscaling', 0.5, 0, { l1: 0.02, l2: 0.5 });
    const w = new Float64Array(1);
    once(opt, w, 0.4);
    expect(w[0]).toBeCloseTo(-0.038000000000000006, 15);
    once(opt, w, -0.3);
    expect(w[0]).toBeCloseTo(-0.014029080117776043, 15);
  });

  it('constant SGD keeps its step and zeroes a weight that L1 pulls across 0', () => {
    const opt = new Sgd(0.5, 'constant', 0.5, 0, { l1: 0.1, l2: 0 });
    const w = Float64Array.of(0.01);
    once(opt, w, 0.01); // shrink(0.01 − 0.005, 0.05) = 0
    expect(w[0]).toBe(0);
    once(opt, w, 1); // shrink(−0.5, 0.05) = −0.45
    expect(w[0]).toBeCloseTo(-0.45, 15);
    once(opt, w, 1, false); // not regularised (the intercept): −0.45 − 0.5
    expect(w[0]).toBeCloseTo(-0.95, 15);
  });

  it('updates only the listed coordinates, and skips zero gradients (lazy regularisation)', () => {
    const opt = new Sgd(0.5, 'constant', 0.5, 0, { l1: 0, l2: 1 });
    const w = Float64Array.of(1, 1, 1);
    opt.beginStep();
    opt.step(w, Float64Array.of(0.2, 0), Int32Array.of(2, 0), 2, true);
    // w2 = 1 − 0.5 (0.2 + 1·1) = 0.4; w0 has a zero gradient, so no L2 decay either; w1 untouched.
    expect(Array.from(w)).toEqual([1, 1, 0.4]);
  });

  it('AdaGrad with the composite L1 step', () => {
    // η = 0.1, ε = 1e-8, λ1 = 0.05: G += g²; r = η/(√G + ε); w ← shrink(w − r g, r λ1)
    const opt = new Adagrad(0.1, 1e-8, new Float64Array(1), { l1: 0.05, l2: 0 });
    const w = new Float64Array(1);
    const expected = [-0.08749999781250005, -0.017499999212500027, -0.04535429942181643];
    [0.4, -0.3, 0.2].forEach((g, t) => {
      once(opt, w, g);
      expect(w[0]).toBeCloseTo(expected[t]!, 15);
    });
    expect(opt.g2[0]).toBeCloseTo(0.29, 15);
  });

  it('rejects bad hyperparameters and restores its own state', () => {
    expect(() => createOptimizer('ftrl', { alpha: 0 }, 3)).toThrow(/alpha/);
    expect(() => createOptimizer('sgd', { learningRate: -1 }, 3)).toThrow(/learningRate/);
    expect(() => createOptimizer('nope' as 'sgd', {}, 3)).toThrow(/unknown optimizer/);
    const sgd = new Sgd(0.1, 'invscaling', 0.25);
    sgd.beginStep();
    sgd.beginStep();
    expect(optimizerFromJSON(sgd.toJSON(), 3).toJSON()).toEqual({
      name: 'sgd',
      learningRate: 0.1,
      schedule: 'invscaling',
      powerT: 0.25,
      steps: 2,
    });
  });
});
