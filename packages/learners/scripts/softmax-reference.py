"""Reference optimum for softmax.spec.ts: multinomial logistic regression on a fixed 3-class set.

Objective (scikit-learn's LogisticRegression(multi_class='multinomial', C=1/(n*l2)) up to the
factor 1/l2, intercepts unpenalised; user guide §1.1.11.3):
    mean_i -ln softmax(W x_i + b)[y_i]  +  l2/2 * ||W||^2
minimised with scipy.optimize.minimize(method='L-BFGS-B', gtol=1e-12). Run: python3 softmax-reference.py
"""
import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

# No zero entry: the learners' L2 is lazy (a coordinate is penalised in the steps where its feature
# is non-zero), so with every entry non-zero it is the full penalty of this objective.
X = np.array([[0.2, 0.1], [1.0, 0.5], [0.5, 1.0], [2.0, 0.2], [2.5, 0.5], [3.0, -0.5],
              [0.1, 2.0], [-0.5, 2.5], [0.5, 3.0], [1.5, 1.5], [-1.0, -1.0], [1.0, 2.0]])
y = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 1, 0, 2])
L2 = 0.1
n, d = X.shape
K = 3

def unpack(theta):
    return theta[:K * d].reshape(K, d), theta[K * d:]

def objective(theta):
    W, b = unpack(theta)
    S = X @ W.T + b
    P = np.exp(S - logsumexp(S, axis=1, keepdims=True))
    loss = np.mean(logsumexp(S, axis=1) - S[np.arange(n), y]) + L2 / 2 * np.sum(W * W)
    R = P.copy()
    R[np.arange(n), y] -= 1
    return loss, np.concatenate([(R.T @ X / n + L2 * W).ravel(), R.mean(axis=0)])

res = minimize(objective, np.zeros(K * d + K), jac=True, method='L-BFGS-B', options={'gtol': 1e-12, 'ftol': 1e-15, 'maxiter': 10000})
W, b = unpack(res.x)
print('converged', res.success, 'objective', repr(res.fun))
print('W', [[repr(v) for v in row] for row in W])
print('b centred', [repr(v) for v in b - b.mean()])
T = np.array([[0.5, 0.5], [2.0, 1.0], [0.0, 1.5]])
S = T @ W.T + b
print('P(test)', [[repr(v) for v in row] for row in np.exp(S - logsumexp(S, axis=1, keepdims=True))])
