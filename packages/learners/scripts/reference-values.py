"""Prints the reference values used by the @modelyard/learners tests (numpy 2.x, scipy 1.17).

scikit-learn is not installed on the reference machine, so AUC and log loss are computed here from
the definitions sklearn.metrics uses. Run: python3 scripts/reference-values.py
"""
import math

import numpy as np
from scipy import integrate, stats


def bayes_accuracy(w, b):
    """E[max(p, 1 - p)] = E[sigmoid(|s|)], s ~ N(b, ||w||^2), split at the kink s = 0."""
    sd = np.linalg.norm(w)
    f = lambda s: (1 / (1 + np.exp(-abs(s)))) * stats.norm.pdf(s, b, sd)
    opts = dict(epsabs=1e-14, epsrel=1e-13)
    return integrate.quad(f, -np.inf, 0, **opts)[0] + integrate.quad(f, 0, np.inf, **opts)[0]


def auc(y, p):
    """Mann-Whitney U / (n+ n-), checked against the brute-force pair count with ties as 1/2."""
    pos, neg = p[y == 1], p[y == 0]
    u = stats.mannwhitneyu(pos, neg, alternative="two-sided").statistic
    assert u == sum((a > b) + 0.5 * (a == b) for a in pos for b in neg)
    return u / (len(pos) * len(neg))


def log_loss(y, p):
    q = np.clip(p, 1e-15, 1 - 1e-15)
    return float(np.mean(-(y * np.log(q) + (1 - y) * np.log(1 - q))))


print("streams.spec / progressive.spec: Bayes-optimal accuracy of logisticStream")
print("  w8, b=-0.5 ", repr(bayes_accuracy([1.5, -2, 0.75, 0, 0.5, -1, 0, 0.25], -0.5)))
print("  w=[1], b=0 ", repr(bayes_accuracy([1.0], 0.0)))
print("  w20, b=0.25", repr(bayes_accuracy([0.5] * 10 + [-0.5] * 10, 0.25)))

print("metrics.spec")
y = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1])
p = np.array([0.9, 0.1, 0.8, 0.4, 0.4, 0.35, 0.7, 0.7, 0.55, 0.2, 0.6, 0.4])
print("  auc all / last 5     ", repr(auc(y, p)), repr(auc(y[-5:], p[-5:])))
print("  log loss all / last 5", repr(log_loss(y, p)), repr(log_loss(y[-5:], p[-5:])))
print("  accuracy all / last 5", np.mean((p >= 0.5) == y), np.mean((p[-5:] >= 0.5) == y[-5:]))
print("  log loss [1,0],[0.8,0.3]", repr((-math.log(0.8) - math.log(0.7)) / 2))
print("  log loss y=0, p=1 (clipped)", repr(-math.log(1 - (1 - 1e-15))))
yr = np.array([3.0, -1.5, 2.25, 0.0, 4.5, 1.0])
pr = np.array([2.5, -1.0, 3.0, 0.5, 4.0, -0.5])
print("  mae / rmse all   ", repr(float(np.mean(np.abs(yr - pr)))), repr(float(np.sqrt(np.mean((yr - pr) ** 2)))))
print("  mae / rmse last 4", repr(float(np.mean(np.abs(yr[-4:] - pr[-4:])))), repr(float(np.sqrt(np.mean((yr[-4:] - pr[-4:]) ** 2)))))

print("scaler.spec: numpy mean / var (ddof=0)")
X = np.array([[1e9 + 4, 0.5, -3], [1e9 + 7, 0.25, -2], [1e9 + 13, 1.5, -7], [1e9 + 16, 0.75, -1], [1e9 + 10, 2.0, -4.5], [1e9 + 1, 0.125, -6]])
print("  mean", X.mean(axis=0).tolist(), "var", X.var(axis=0).tolist())
print("  column 3, rows 0/2/4: mean", repr(float(np.mean([-3, -7, -4.5]))), "var", repr(float(np.var([-3, -7, -4.5]))))

print("optimizers.spec: one coordinate, step by step")
a, b, l1, l2 = 0.5, 1.0, 0.1, 0.2  # FTRL-Proximal, McMahan et al. 2013, Algorithm 1
z = n = w = 0.0
for g in [0.6, -0.8, -0.5]:
    sigma = (math.sqrt(n + g * g) - math.sqrt(n)) / a
    z += g - sigma * w
    n += g * g
    w = 0.0 if abs(z) <= l1 else -(z - math.copysign(l1, z)) / ((b + math.sqrt(n)) / a + l2)
    print("  ftrl z, n, w", repr(z), repr(n), repr(w))
w = 0.0  # SGD, eta_t = 0.1 / sqrt(t), l2 = 0.5, l1 = 0.02
for t, g in enumerate([0.4, -0.3], 1):
    eta = 0.1 / t**0.5
    nxt = w - eta * (g + 0.5 * w)
    w = math.copysign(max(abs(nxt) - eta * 0.02, 0), nxt)
    print("  sgd w", repr(w))
w = G = 0.0  # AdaGrad, eta = 0.1, eps = 1e-8, l1 = 0.05
for g in [0.4, -0.3, 0.2]:
    G += g * g
    r = 0.1 / (math.sqrt(G) + 1e-8)
    nxt = w - r * g
    w = math.copysign(max(abs(nxt) - r * 0.05, 0), nxt)
    print("  adagrad w, G", repr(w), repr(G))
