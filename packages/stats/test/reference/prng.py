"""Python twin of test/prng.ts: bit-identical samples for scipy reference values."""
import numpy as np

M32 = 0xFFFFFFFF


def _imul(a, b):
    return (a * b) & M32


def mulberry32(seed):
    a = seed & M32

    def nxt():
        nonlocal a
        a = (a + 0x6D2B79F5) & M32
        t = _imul(a ^ (a >> 15), 1 | a)
        t = (((t + _imul(t ^ (t >> 7), 61 | t)) & M32) ^ t) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296.0

    return nxt


def generate(g):
    rnd = mulberry32(g["seed"])
    n = g["n"]
    out = np.empty(n, dtype=np.float64)
    kind = g["gen"]
    for i in range(n):
        if kind == "normal":
            s = 0.0
            for _ in range(12):
                s += rnd()
            out[i] = (s - 6) * g.get("sd", 1) + g.get("mu", 0)
        elif kind == "uniform":
            lo, hi = g.get("lo", 0), g.get("hi", 1)
            out[i] = lo + (hi - lo) * rnd()
        elif kind == "ints":
            out[i] = np.floor(g["k"] * rnd()) + g.get("offset", 0)
        elif kind == "heavy":
            out[i] = 1 / (rnd() + 0.01) - 1
    return out


def materialize(d):
    return np.asarray(d, dtype=np.float64) if isinstance(d, list) else generate(d)
