"""scipy side of `pnpm bench:drift` (see drift.mjs): reads the reference and the window the drift
service checked (float64, little-endian, feature-major) and runs the same tests with scipy:
two-sample KS (method 'auto', as the service's `ks` test) and the normed Wasserstein distance
(wasserstein_distance / std(reference), the service's `auto` choice for references > 1000 rows).
Prints the best of `runs` timings, every run's, and the results as JSON."""
import json
import sys
import time

import numpy as np
import scipy
from scipy import stats


def main():
    cfg = json.loads(sys.argv[1])
    f, n = cfg["features"], cfg["rows"]
    ref = np.fromfile(cfg["ref"], dtype="<f8").reshape(f, n)
    cur = np.fromfile(cfg["cur"], dtype="<f8").reshape(f, n)

    def ks():
        return [stats.ks_2samp(ref[i], cur[i]) for i in range(f)]

    def wasserstein():
        return [stats.wasserstein_distance(ref[i], cur[i]) / max(np.std(ref[i]), 0.001) for i in range(f)]

    runs = {"ks": [], "wasserstein": []}
    for _ in range(cfg["runs"]):
        for name, fn in (("ks", ks), ("wasserstein", wasserstein)):
            t0 = time.perf_counter()
            out = fn()
            runs[name].append((time.perf_counter() - t0) * 1000)
            if name == "ks":
                ks_out = [[float(r.statistic), float(r.pvalue)] for r in out]
            else:
                w_out = [float(x) for x in out]
    print(
        json.dumps(
            {
                "scipy": scipy.__version__,
                "ksMs": min(runs["ks"]),
                "wassersteinMs": min(runs["wasserstein"]),
                "ksRuns": runs["ks"],
                "wassersteinRuns": runs["wasserstein"],
                "ks": ks_out,
                "wasserstein": w_out,
            }
        )
    )


if __name__ == "__main__":
    main()
