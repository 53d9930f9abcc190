# Reference values for test/planning.spec.ts: `python3 gen_planning.py` prints them.
# statsmodels' NormalIndPower.solve_power re-derived with scipy (statsmodels is not installed here):
# normal_power(es*sqrt(n/2), alpha, 'two-sided') = norm.sf(crit - es*sqrt(n/2)) + norm.cdf(-crit - es*sqrt(n/2))
import numpy as np
from scipy import stats, optimize
def power(es,n,a):
    crit=stats.norm.isf(a/2); s=es*np.sqrt(n/2)
    return stats.norm.sf(crit-s)+stats.norm.cdf(-crit-s)
def solve(es,a,p): return optimize.brentq(lambda n: power(es,n,a)-p, 1e-6, 1e12, xtol=1e-12, rtol=1e-14)
def h(p1,p2): return 2*np.arcsin(np.sqrt(p2))-2*np.arcsin(np.sqrt(p1))
for es,a,p in [(0.2,0.05,0.8),(0.5,0.05,0.9),(0.1,0.01,0.8),(0.05,0.025,0.8)]:
    print('d',es,a,p,repr(solve(es,a,p)))
for p1,p2,a,pw in [(0.1,0.11,0.05,0.8),(0.05,0.06,0.05,0.9),(0.3,0.33,0.05,0.8)]:
    e=h(p1,p2); print('h',p1,p2,repr(e),a,pw,repr(solve(e,a,pw)))
def rho(a,N): l=-2*np.log(a); return np.sqrt((l+np.log(l+1))/N)
def seqpower(es,n,a,r):
    N=2*n; nr2=N*r*r; c=np.sqrt(2*(nr2+1)/nr2*np.log(np.sqrt(nr2+1)/a)); s=es*np.sqrt(n/2)
    return stats.norm.sf(c-s)+stats.norm.cdf(-c-s)
for es,a,p,m in [(0.2,0.05,0.8,1),(0.05,0.05,0.8,1),(0.1,0.05,0.8,2)]:
    r=rho(a,5000); print('seq',es,a,p,m,repr(optimize.brentq(lambda n: seqpower(es,n,a/m,r)-p,1,1e12,xtol=1e-12,rtol=1e-14)))
