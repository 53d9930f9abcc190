"""Reference values for the drift functions: Wasserstein, PSI, chi-square, SRM, Jensen-Shannon,
autoTest. PSI has no scipy function; psi_ref below is the numpy definition the TS code follows."""
import numpy as np
from scipy import stats
from scipy.spatial import distance

from prng import materialize
from refio import desc

N = lambda gen, seed, n, **kw: dict(gen=gen, seed=seed, n=n, **kw)  # noqa: E731

PAIRS = [
    ("inline", [0.0, 1.0, 3.0], [5.0, 6.0, 8.0]),
    ("inline ties", [1.0, 1.0, 2.0, 2.0, 2.0, 7.0], [2.0, 2.0, 3.0]),
    ("identical", [3.0, 1.0, 2.0], [1.0, 2.0, 3.0]),
    ("single values", [0.0], [2.5]),
    ("normal 1000 vs 1000", N("normal", 201, 1000), N("normal", 202, 1000, mu=0.2)),
    ("normal 500 vs 2000, sd 3", N("normal", 203, 500, sd=3.0), N("normal", 204, 2000, mu=1.0, sd=2.0)),
    ("ints 3000 vs 2500", N("ints", 205, 3000, k=7), N("ints", 206, 2500, k=9)),
    ("heavy 5000 vs 4000", N("heavy", 207, 5000), N("heavy", 208, 4000)),
    ("disjoint uniform", N("uniform", 209, 800), N("uniform", 210, 600, lo=10, hi=12)),
    ("constant reference", [4.0] * 50, N("normal", 211, 80, mu=4.0, sd=0.01)),
    ("normal 10000 vs 10000", N("normal", 212, 10000), N("normal", 213, 10000, mu=0.05, sd=1.1)),
]


def psi_ref(a, b, bins=10, eps=1e-4):
    """Quantile bins of the reference, right-closed, zero shares replaced by eps."""
    e = np.unique(np.quantile(a, np.arange(1, bins) / bins))
    r = np.bincount(np.searchsorted(e, a, side="left"), minlength=len(e) + 1) / len(a)
    c = np.bincount(np.searchsorted(e, b, side="left"), minlength=len(e) + 1) / len(b)
    rr = np.where(r == 0, eps, r)
    cc = np.where(c == 0, eps, c)
    return float(np.sum((cc - rr) * np.log(cc / rr))), e, r, c


def wasserstein_rows():
    rows = []
    for note, a, b in PAIRS:
        xa, xb = materialize(a), materialize(b)
        w = stats.wasserstein_distance(xa, xb)
        rows.append(dict(note=note, a=desc(a), b=desc(b),
                         call="stats.wasserstein_distance(a, b); stats.wasserstein_distance(a, b) / max(np.std(a), 0.001)",
                         value=w, normed=w / max(np.std(xa), 0.001)))
    return rows


def psi_rows():
    rows = []
    for bins in (10, 5, 20):
        for note, a, b in PAIRS:
            if bins != 10 and not note.startswith("normal"):
                continue
            xa, xb = materialize(a), materialize(b)
            v, e, r, c = psi_ref(xa, xb, bins)
            rows.append(dict(note=note, a=desc(a), b=desc(b), bins=bins,
                             call=f"psi_ref(a, b, bins={bins}, eps=1e-4)  # gen_drift.py",
                             value=v, interior=list(e), refShare=list(r), curShare=list(c)))
    return rows


def chi_rows():
    tables = [
        ("2x2", [10, 20], [20, 10]),
        ("2x3", [120, 90, 40], [110, 95, 60]),
        ("2x5 uneven", [5, 0, 12, 30, 7], [9, 3, 8, 41, 2]),
        ("large counts, tiny p", [50000, 30000, 20000], [42000, 36000, 22000]),
        ("p near 1e-300", [10000, 10000], [6360, 13640]),
        ("identical shares", [10, 20, 30], [20, 40, 60]),
        ("floats", [10.5, 3.25, 7.0], [8.0, 6.5, 1.25]),
    ]
    rows = []
    for note, r, c in tables:
        res = stats.chi2_contingency([r, c], correction=False)
        rows.append(dict(note=note, ref=r, cur=c,
                         call="stats.chi2_contingency([ref, cur], correction=False)",
                         statistic=res.statistic, pValue=res.pvalue, dof=int(res.dof)))
    return rows


def srm_rows():
    cases = [
        ("50/50 balanced", [5000, 5000], [1, 1]),
        ("50/50 slight", [5050, 4950], [1, 1]),
        ("50/50 broken", [10300, 9700], [0.5, 0.5]),
        ("three arms", [3312, 3350, 3338], [1, 1, 1]),
        ("90/10", [90500, 9500], [90, 10]),
        ("huge mismatch", [600000, 400000], [1, 1]),
    ]
    rows = []
    for note, obs, w in cases:
        o = np.asarray(obs, dtype=float)
        wa = np.asarray(w, dtype=float)
        res = stats.chisquare(o, f_exp=o.sum() * wa / wa.sum())
        rows.append(dict(note=note, observed=obs, weights=w,
                         call="stats.chisquare(obs, f_exp=obs.sum() * w / w.sum())",
                         statistic=res.statistic, pValue=res.pvalue))
    return rows


def js_rows():
    rows = []
    for note, p, q in [("inline", [0.1, 0.4, 0.5], [0.3, 0.3, 0.4]), ("unnormalised", [1, 2, 3, 0], [0, 5, 1, 4]),
                       ("disjoint", [1, 0], [0, 1]), ("identical", [0.25, 0.75], [0.25, 0.75])]:
        rows.append(dict(note=note, p=p, q=q, call="distance.jensenshannon(p, q)", value=distance.jensenshannon(p, q)))
    return rows


def js_sample_rows():
    rows = []
    for note, a, b in PAIRS:
        xa, xb = materialize(a), materialize(b)
        edges = np.histogram_bin_edges(np.concatenate([xa, xb]), bins=30)
        p = np.histogram(xa, bins=edges)[0] / len(xa)
        q = np.histogram(xb, bins=edges)[0] / len(xb)
        rows.append(dict(note=note, a=desc(a), b=desc(b),
                         call="e = np.histogram_bin_edges(np.concatenate([a, b]), bins=30); "
                              "distance.jensenshannon(np.histogram(a, e)[0] / len(a), np.histogram(b, e)[0] / len(b))",
                         edges=list(edges), p=list(p), q=list(q), value=distance.jensenshannon(p, q)))
    return rows


def auto_rows():
    """Expected autoTest outcomes, each computed with the scipy call of the test Evidently picks."""
    rows = []

    def counts(a, b):
        cats = list(dict.fromkeys(list(a) + list(b)))
        return [int(np.sum(a == k)) for k in cats], [int(np.sum(b == k)) for k in cats]

    cases = [
        ("small numeric -> ks", N("normal", 301, 800), N("normal", 302, 600, mu=0.2), "numeric"),
        ("small, 4 values -> chi-square", N("ints", 303, 900, k=4), N("ints", 304, 700, k=4), "numeric"),
        ("small binary -> z", N("ints", 305, 1000, k=2), N("ints", 306, 400, k=2), "numeric"),
        ("small categorical -> chi-square", N("ints", 307, 500, k=3, offset=10), N("ints", 308, 500, k=4, offset=10), "categorical"),
        ("large numeric -> wasserstein", N("normal", 309, 5000), N("normal", 310, 5000, mu=0.15), "numeric"),
        ("large, 3 values -> jensen-shannon (numeric bins)", N("ints", 311, 5000, k=3), N("ints", 312, 4000, k=3), "numeric"),
        ("large categorical -> jensen-shannon", N("ints", 313, 3000, k=8), N("ints", 314, 3000, k=6), "categorical"),
    ]
    for note, a, b, kind in cases:
        xa, xb = materialize(a), materialize(b)
        nuniq = len(np.unique(xa))
        if len(xa) <= 1000:
            if kind == "numeric" and nuniq > 5:
                r = stats.ks_2samp(xa, xb)
                row = dict(test="ks", statistic=r.statistic, pValue=r.pvalue, call="stats.ks_2samp(a, b)")
            elif nuniq > 2:
                rc, cc = counts(xa, xb)
                r = stats.chi2_contingency([rc, cc], correction=False)
                row = dict(test="chi-square", statistic=r.statistic, pValue=r.pvalue,
                           call="stats.chi2_contingency([counts(a), counts(b)], correction=False)")
            else:
                key = list(dict.fromkeys(list(xa) + list(xb)))[0]
                p1, p2 = np.mean(xa == key), np.mean(xb == key)
                pp = (np.sum(xa == key) + np.sum(xb == key)) / (len(xa) + len(xb))
                z = (p1 - p2) / np.sqrt(pp * (1 - pp) * (1 / len(xa) + 1 / len(xb)))
                row = dict(test="z", statistic=z, pValue=2 * stats.norm.sf(abs(z)),
                           call="z = (p1 - p2) / sqrt(P(1-P)(1/n1 + 1/n2)); 2 * stats.norm.sf(abs(z))")
            row["drift"] = bool(row["pValue"] < 0.05)
        elif kind == "numeric" and nuniq > 5:
            v = stats.wasserstein_distance(xa, xb) / max(np.std(xa), 0.001)
            row = dict(test="wasserstein-normed", statistic=v, pValue=None, drift=bool(v >= 0.1),
                       call="stats.wasserstein_distance(a, b) / max(np.std(a), 0.001)")
        else:
            if kind == "numeric":
                e = np.histogram_bin_edges(np.concatenate([xa, xb]), bins=30)
                p, q = np.histogram(xa, e)[0] / len(xa), np.histogram(xb, e)[0] / len(xb)
            else:
                rc, cc = counts(xa, xb)
                p, q = np.asarray(rc) / len(xa), np.asarray(cc) / len(xb)
            v = distance.jensenshannon(p, q)
            row = dict(test="jensen-shannon", statistic=v, pValue=None, drift=bool(v >= 0.1),
                       call="distance.jensenshannon(p, q)  # shares on 30 shared bins / categories")
        rows.append(dict(note=note, a=desc(a), b=desc(b), kind=kind, **row))
    return rows


def drift_exports():
    return {
        "WASSERSTEIN_CASES": ("WassersteinCase", wasserstein_rows()),
        "PSI_CASES": ("PsiCase", psi_rows()),
        "CHI2_CASES": ("Chi2Case", chi_rows()),
        "SRM_CASES": ("SrmCase", srm_rows()),
        "JS_CASES": ("JsCase", js_rows()),
        "JS_SAMPLE_CASES": ("JsSampleCase", js_sample_rows()),
        "AUTO_CASES": ("AutoCase", auto_rows()),
    }
