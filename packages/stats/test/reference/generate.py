"""Generates the reference fixtures (*.ref.ts) of the @modelyard/stats tests from scipy.

Run from this folder:  python3 generate.py   (scipy 1.17.1, numpy 2.4.6 were used)
Each fixture entry carries the exact Python expression that produced its values. Samples are
either inline literals or generator descriptions ({gen, seed, n, ...}) that prng.py and
../prng.ts expand to bit-identical data.
"""
from gen_drift import drift_exports
from gen_experiment import experiment_exports
from gen_ks import ks_cases, kstwo_cases
from refio import write

if __name__ == "__main__":
    write("ks.ref.ts", {"KS_CASES": ("KsCase", ks_cases())})
    write("kstwo.ref.ts", {"KSTWO_CASES": ("KstwoCase", kstwo_cases())})
    write("drift.ref.ts", drift_exports())
    write("experiment.ref.ts", experiment_exports())
