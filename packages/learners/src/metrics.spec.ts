import { Accuracy, createMetric, LogLoss, Mae, metricFromJSON, Rmse, RocAuc, type Metric } from './metrics.js';

// scikit-learn is not installed on the reference machine, so the references come from numpy/scipy
// (Python 3.11, numpy 2.4, scipy 1.17; scripts/reference-values.py) with the definitions sklearn uses:
//   AUC      = scipy.stats.mannwhitneyu(pos, neg).statistic / (n₊ n₋)   (ties count ½; the script also
//              asserted it equals the brute-force pair count Σ[p > n] + ½[p = n])
//   log loss = np.mean(-(y log q + (1 − y) log(1 − q))), q = np.clip(p, 1e-15, 1 − 1e-15)
//   accuracy = np.mean((p >= 0.5) == y); MAE, RMSE from their definitions.
const Y = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1];
const P = [0.9, 0.1, 0.8, 0.4, 0.4, 0.35, 0.7, 0.7, 0.55, 0.2, 0.6, 0.4];
const YR = [3.0, -1.5, 2.25, 0.0, 4.5, 1.0];
const PR = [2.5, -1.0, 3.0, 0.5, 4.0, -0.5];

function feed(m: Metric, ys: number[], ps: number[]): Metric {
  ys.forEach((y, k) => m.update(y, ps[k]!));
  return m;
}

describe('metrics against numpy/scipy references', () => {
  it('ROC AUC with ties, cumulative and over a window of 5', () => {
    expect(feed(new RocAuc({ window: 100 }), Y, P).get()).toBeCloseTo(0.7916666666666666, 15);
    expect(feed(new RocAuc({ window: 5 }), Y, P).get()).toBeCloseTo(0.3333333333333333, 15);
  });

  it('ROC AUC by hand: 2 positives, 2 negatives', () => {
    // pairs (pos, neg): (0.8, 0.3) ✓, (0.8, 0.5) ✓, (0.5, 0.3) ✓, (0.5, 0.5) tie ½ → 3.5 / 4
    expect(feed(new RocAuc(), [1, 0, 1, 0], [0.8, 0.3, 0.5, 0.5]).get()).toBe(0.875);
    expect(feed(new RocAuc(), [1, 1], [0.2, 0.9]).get()).toBeNaN(); // one class only: undefined
  });

  it('log loss, cumulative and over a window of 5, and by hand', () => {
    expect(feed(new LogLoss(), Y, P).get()).toBeCloseTo(0.5421644682037726, 15);
    expect(feed(new LogLoss({ window: 5 }), Y, P).get()).toBeCloseTo(0.7715069640288152, 15);
    // (−ln 0.8 − ln(1 − 0.3)) / 2 = (0.2231435513 + 0.3566749439) / 2
    expect(feed(new LogLoss(), [1, 0], [0.8, 0.3]).get()).toBeCloseTo(0.2899092476264711, 15);
    // p = 1 for y = 0 is clipped to q = 1 − 1e-15 (as sklearn ≤ 1.2), so the loss stays finite:
    // Python: -math.log(1 - (1 - 1e-15)) = 34.53957599234088 (1 − 1e-15 rounds in float64)
    expect(feed(new LogLoss(), [0], [1]).get()).toBeCloseTo(34.53957599234088, 12);
  });

  it('accuracy at the 0.5 threshold, cumulative and windowed', () => {
    expect(feed(new Accuracy(), Y, P).get()).toBeCloseTo(0.6666666666666666, 15);
    expect(feed(new Accuracy({ window: 5 }), Y, P).get()).toBeCloseTo(0.4, 15);
  });

  it('MAE and RMSE, cumulative and over a window of 4', () => {
    expect(feed(new Mae(), YR, PR).get()).toBeCloseTo(0.7083333333333334, 15);
    expect(feed(new Rmse(), YR, PR).get()).toBeCloseTo(0.7971302695712079, 15);
    expect(feed(new Mae({ window: 4 }), YR, PR).get()).toBeCloseTo(0.8125, 15);
    expect(feed(new Rmse({ window: 4 }), YR, PR).get()).toBeCloseTo(0.9100137361600648, 15);
  });

  it('is NaN before any update and refuses NaN and non-binary labels', () => {
    expect(new Accuracy().get()).toBeNaN();
    expect(new Mae({ window: 3 }).get()).toBeNaN();
    expect(() => new Mae().update(1, NaN)).toThrow(/NaN/);
    expect(() => new Accuracy().update(2, 0.5)).toThrow(/0 or 1/);
    expect(() => new RocAuc({ window: 0 })).toThrow(/window/);
  });

  it('a long rolling window stays equal to the mean of its last values (periodic re-summation)', () => {
    const m = new Mae({ window: 7 });
    const values: number[] = [];
    for (let k = 0; k < 10_000; k++) {
      const v = Math.sin(k) * 1e3 + (k % 3) * 1e-3;
      values.push(Math.abs(v));
      m.update(v, 0);
    }
    const last = values.slice(-7);
    expect(m.get()).toBeCloseTo(last.reduce((a, b) => a + b, 0) / 7, 9);
    expect(m.seen).toBe(10_000);
  });

  it('restores from JSON mid-window and continues bit-identically', () => {
    for (const name of ['accuracy', 'log_loss', 'roc_auc', 'mae', 'rmse'] as const) {
      const a = createMetric(name, { window: 5 });
      const c = createMetric(name);
      feed(a, Y.slice(0, 7), P.slice(0, 7));
      feed(c, Y.slice(0, 7), P.slice(0, 7));
      const b = metricFromJSON(JSON.parse(JSON.stringify(a.toJSON())));
      const d = metricFromJSON(JSON.parse(JSON.stringify(c.toJSON())));
      for (const m of [a, b, c, d]) feed(m, Y.slice(7), P.slice(7));
      expect(Object.is(b.get(), a.get())).toBe(true);
      expect(Object.is(d.get(), c.get())).toBe(true);
      expect(b.toJSON()).toEqual(a.toJSON());
    }
  });
});
