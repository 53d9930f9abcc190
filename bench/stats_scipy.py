"""scipy side of `pnpm bench:stats` (see stats.mjs): reads the same samples from the binary files
stats.mjs wrote, runs scipy on them, prints timings and results as JSON on stdout."""
import json
import sys
import time

import numpy as np
import scipy
from scipy import stats


def psi_ref(a, b, bins=10, eps=1e-4):
    # Same definition as @modelyard/stats psi(): reference quantile bins, right-closed,
    # zero shares replaced by eps.
    e = np.unique(np.quantile(a, np.arange(1, bins) / bins))
    r = np.bincount(np.searchsorted(e, a, side="left"), minlength=len(e) + 1) / len(a)
    c = np.bincount(np.searchsorted(e, b, side="left"), minlength=len(e) + 1) / len(b)
    r = np.where(r == 0, eps, r)
    c = np.where(c == 0, eps, c)
    return float(np.sum((c - r) * np.log(c / r)))


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t0) * 1000, out


def main():
    # Line protocol on stdin/stdout so stats.mjs can interleave scipy and @modelyard/stats runs
    # (a busy machine then slows both sides alike): "ks" or "drift" -> one timed run as JSON.
    cfg = json.loads(sys.argv[1])
    a = np.fromfile(cfg["ksA"], dtype="<f8")
    b = np.fromfile(cfg["ksB"], dtype="<f8")
    f, n = cfg["features"], cfg["rows"]
    ref = np.fromfile(cfg["ref"], dtype="<f8").reshape(f, n)
    cur = np.fromfile(cfg["cur"], dtype="<f8").reshape(f, n)

    def ks():
        r = stats.ks_2samp(a, b)
        return {"statistic": float(r.statistic), "pValue": float(r.pvalue)}

    def drift():
        out = []
        for i in range(f):
            k = stats.ks_2samp(ref[i], cur[i])
            out.append([float(k.statistic), float(k.pvalue),
                        float(stats.wasserstein_distance(ref[i], cur[i])), psi_ref(ref[i], cur[i])])
        return out

    print(json.dumps({"ready": True, "scipy": scipy.__version__, "numpy": np.__version__}), flush=True)
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "quit":
            break
        ms, out = timed(ks if cmd == "ks" else drift)
        print(json.dumps({"ms": ms, "result": out}), flush=True)


if __name__ == "__main__":
    main()
