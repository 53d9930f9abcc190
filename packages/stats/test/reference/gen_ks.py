"""Reference values for ks2samp (scipy.stats.ks_2samp) and kstwo (scipy.stats.kstwo)."""
import math
import warnings

from scipy import stats

from prng import materialize
from refio import desc


# ---------------------------------------------------------------- KS two-sample
def ks_cases():
    rows = []

    def add(a, b, method="auto", note=""):
        xa, xb = materialize(a), materialize(b)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = stats.ks_2samp(xa, xb, method=method)
        fell_back = any("Switching to" in str(x.message) for x in w)
        if method == "asymp":
            used = "asymp"
        elif method == "exact":
            used = "asymp" if fell_back else "exact"
        else:
            used = ("exact" if max(len(xa), len(xb)) <= 10000 else "asymp")
            used = "asymp" if fell_back else used
        rows.append(dict(note=note, a=desc(a), b=desc(b), method=method,
                         call=f"stats.ks_2samp(a, b, method='{method}')",
                         statistic=float(r.statistic), pValue=float(r.pvalue), used=used))

    # tiny, identical, disjoint, interleaved (D = 1/n, where the exact sum exceeds 1 by
    # rounding and scipy falls back to the asymptotic p-value)
    add([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], note="identical")
    add([1.0, 2.0, 3.0], [4.0, 5.0, 6.0], note="disjoint")
    add([0.0], [1.0], note="single values")
    add([0.0], [1.0], "asymp", note="n = m = 1: round(0.5) = 0, kstwo undefined")
    add([2.0], [1.0, 3.0, 5.0], note="1 vs 3")
    add([1.0, 2.0, 3.0, 4.0, 5.0], [1.5, 2.5, 3.5, 4.5, 5.5], note="D = 1/5: exact fallback")
    add([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5], "exact",
        note="D = 1/7 with method exact: fallback")
    add([1.0, 2.0, 2.0, 3.0, 3.0, 3.0], [3.0, 3.0, 4.0, 1.0], note="ties, inline")
    add([-0.0, 0.0, 1.0], [0.0, 0.0, -1.0], note="signed zeros")
    # equal sizes, exact
    for n, shift, seed in [(10, 0.0, 1), (10, 2.0, 2), (100, 0.0, 3), (100, 0.3, 4),
                           (1000, 0.0, 5), (1000, 0.1, 6), (1000, 1.0, 7), (10000, 0.0, 8),
                           (10000, 0.05, 9), (10000, 0.3, 10)]:
        add(dict(gen="normal", seed=seed, n=n), dict(gen="normal", seed=seed + 1000, n=n, mu=shift),
            note=f"equal n={n}, shift {shift}")
    # unequal sizes, exact
    for n, m, shift, seed in [(7, 11, 0.5, 11), (30, 45, 0.0, 12), (100, 150, 0.2, 13),
                              (999, 1000, 0.1, 14), (5000, 3000, 0.05, 15), (10000, 9999, 0.02, 16),
                              (50, 8000, 0.4, 17), (2, 10000, 1.0, 18), (1234, 4321, 0.0, 19)]:
        add(dict(gen="normal", seed=seed, n=n), dict(gen="normal", seed=seed + 1000, n=m, mu=shift),
            note=f"unequal {n} vs {m}, shift {shift}")
    # the same samples through the asymptotic path
    for n, m, shift, seed in [(100, 150, 0.2, 13), (1000, 1000, 0.1, 6), (7, 11, 0.5, 11)]:
        add(dict(gen="normal", seed=seed, n=n), dict(gen="normal", seed=seed + 1000, n=m, mu=shift),
            "asymp", note=f"asymp {n} vs {m}")
    # ties (integer data)
    add(dict(gen="ints", seed=21, n=200, k=5), dict(gen="ints", seed=22, n=300, k=6), note="ties 200 vs 300")
    add(dict(gen="ints", seed=23, n=5000, k=3), dict(gen="ints", seed=24, n=5000, k=3), note="ties 5000, 3 values")
    add(dict(gen="ints", seed=25, n=20000, k=10), dict(gen="ints", seed=26, n=30000, k=10, offset=0),
        note="ties, asymp")
    # disjoint / heavy tails
    add(dict(gen="uniform", seed=31, n=1000), dict(gen="uniform", seed=32, n=1000, lo=2, hi=3),
        note="disjoint 1000 vs 1000 (exact underflows)")
    add(dict(gen="uniform", seed=33, n=300), dict(gen="uniform", seed=34, n=700, lo=5, hi=6),
        note="disjoint 300 vs 700")
    add(dict(gen="heavy", seed=35, n=800), dict(gen="heavy", seed=36, n=900), note="heavy tails")
    # exact p-values near 1e-300 (equal and unequal sizes)
    add(dict(gen="normal", seed=61, n=1000), dict(gen="normal", seed=1061, n=1000, mu=2.4), note="exact p ~ 1e-289")
    add(dict(gen="normal", seed=62, n=900), dict(gen="normal", seed=1062, n=1100, mu=2.3), note="exact p ~ 1e-293, 900 vs 1100")
    # large samples: asymptotic (kstwo) path, including p-values near 1e-300
    for n, m, shift, seed in [(20000, 15000, 0.0, 41), (20000, 20000, 0.02, 42), (50000, 40000, 0.03, 43),
                              (20000, 20000, 0.45, 44), (20000, 20000, 0.47, 45), (20000, 20000, 0.485, 45),
                              (20000, 20000, 0.5, 46),
                              (200000, 150000, 0.01, 47)]:
        gen = "uniform" if n > 100000 else "normal"
        a = dict(gen=gen, seed=seed, n=n)
        b = dict(gen=gen, seed=seed + 1000, n=m, **({"lo": shift, "hi": 1 + shift} if gen == "uniform" else {"mu": shift}))
        add(a, b, note=f"large {n} vs {m}, shift {shift}")
    # exact requested but lcm too large -> asymp
    add(dict(gen="uniform", seed=51, n=100003), dict(gen="uniform", seed=52, n=100019, lo=0.005, hi=1.005), "exact",
        note="exact refused: lcm > int32")
    return rows


# ---------------------------------------------------------------- kstwo
def kstwo_cases():
    rows = []
    for n in [1, 2, 3, 5, 10, 20, 50, 100, 140, 141, 500, 1000, 5000, 20000, 99999, 100001,
              500000, 1000000, 1000001, 3000000]:
        zs = [0.05, 0.2, 0.4, 0.6, 0.8, 0.87, 1.0, 1.2, 1.48, 2.0, 3.0, 6.0, 10.0, 13.0, 18.5]
        xs = sorted({float(z / math.sqrt(n)) for z in zs if z / math.sqrt(n) < 1}
                    | {x for x in [0.5, 0.6, 0.75, 0.99, 0.75 / n, 1.5 / n, 1 - 1.5 / n] if 0 < x < 1})
        for x in xs:
            rows.append(dict(n=n, d=x, call=f"stats.kstwo.sf({x!r}, {n}); stats.kstwo.cdf({x!r}, {n})", sf=float(stats.kstwo.sf(x, n)),
                             cdf=float(stats.kstwo.cdf(x, n))))
    return rows
