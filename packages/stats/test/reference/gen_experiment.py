"""Reference values for the experiment functions. Welch's test is scipy's own; the z-test,
lift, chance to beat, sequential interval and power formulas are written out in numpy/scipy
expressions (their text is the `call` beside each value)."""
import numpy as np
from scipy import optimize, stats

ARMS = [
    # (note, a = (n, mean, var), b = (n, mean, var))
    ("typical", (1000, 10.0, 4.0), (1200, 10.3, 5.0)),
    ("small n", (5, 1.5, 0.3), (7, 2.5, 1.1)),
    ("unequal variances", (50, 100.0, 400.0), (5000, 98.0, 25.0)),
    ("huge t, p near 1e-300", (100000, 1.0, 1.0), (100000, 0.882, 1.0)),
    ("conversion-like", (20000, 0.1, 0.09), (20000, 0.104, 0.093184)),
    ("negative means", (300, -3.0, 2.0), (250, -2.7, 2.5)),
]


def welch_rows():
    rows = []
    for note, (n1, m1, v1), (n2, m2, v2) in ARMS:
        r = stats.ttest_ind_from_stats(m1, np.sqrt(v1), n1, m2, np.sqrt(v2), n2, equal_var=False)
        vn1, vn2 = v1 / n1, v2 / n2
        df = (vn1 + vn2) ** 2 / (vn1 ** 2 / (n1 - 1) + vn2 ** 2 / (n2 - 1))
        half = stats.t.ppf(0.975, df) * np.sqrt(vn1 + vn2)
        rows.append(dict(note=note, a=dict(n=n1, mean=m1, variance=v1), b=dict(n=n2, mean=m2, variance=v2),
                         call="stats.ttest_ind_from_stats(a.mean, np.sqrt(a.var), a.n, b.mean, np.sqrt(b.var), b.n, "
                              "equal_var=False); ci = diff -/+ stats.t.ppf(0.975, df) * np.sqrt(a.var/a.n + b.var/b.n)",
                         t=r.statistic, df=df, pValue=r.pvalue, ciLow=(m1 - m2) - half, ciHigh=(m1 - m2) + half))
    return rows


def z_rows():
    rows = []
    for note, x1, n1, x2, n2 in [("typical", 120, 1000, 100, 1000), ("unequal n", 45, 300, 520, 4000),
                                 ("zero successes one side", 0, 50, 7, 60), ("tiny p", 60000, 100000, 50000, 100000),
                                 ("identical", 30, 100, 30, 100)]:
        p1, p2 = x1 / n1, x2 / n2
        P = (x1 + x2) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(P * (1 - P) * (1 / n1 + 1 / n2))
        half = stats.norm.ppf(0.975) * np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        rows.append(dict(note=note, x1=x1, n1=n1, x2=x2, n2=n2,
                         call="z = (p1 - p2) / np.sqrt(P * (1 - P) * (1/n1 + 1/n2)); 2 * stats.norm.sf(abs(z)); "
                              "ci = (p1 - p2) -/+ stats.norm.ppf(0.975) * np.sqrt(p1(1-p1)/n1 + p2(1-p2)/n2)",
                         z=z, pValue=2 * stats.norm.sf(abs(z)), ciLow=(p1 - p2) - half, ciHigh=(p1 - p2) + half))
    return rows


def lift_rows():
    rows = []
    for note, (nc, mc, vc), (nt, mt, vt) in ARMS:
        lift = mt / mc - 1
        se = np.sqrt(vt / (nt * mc ** 2) + vc * mt ** 2 / (nc * mc ** 4))
        half = stats.norm.ppf(0.975) * se
        z = lift / se
        rows.append(dict(note=note, control=dict(n=nc, mean=mc, variance=vc), treatment=dict(n=nt, mean=mt, variance=vt),
                         call="lift = mt/mc - 1; se = np.sqrt(vt/(nt*mc**2) + vc*mt**2/(nc*mc**4)); "
                              "ci = lift -/+ stats.norm.ppf(0.975)*se; 2*stats.norm.sf(abs(lift/se)); "
                              "stats.norm.cdf(lift/se); risk_t = se*stats.norm.pdf(z) - lift*stats.norm.cdf(-z); "
                              "risk_c = se*stats.norm.pdf(z) + lift*stats.norm.cdf(z)",
                         lift=lift, se=se, ciLow=lift - half, ciHigh=lift + half, pValue=2 * stats.norm.sf(abs(z)),
                         chanceToBeat=stats.norm.cdf(z),
                         riskTreatment=se * stats.norm.pdf(z) - lift * stats.norm.cdf(-z),
                         riskControl=se * stats.norm.pdf(z) + lift * stats.norm.cdf(z)))
    return rows


def seq_rows():
    rows = []
    for note, est, se, n, alpha, nstar in [("at tuning size", 0.02, 0.01, 5000, 0.05, 5000),
                                           ("early look", 0.05, 0.04, 400, 0.05, 5000),
                                           ("late look", 0.004, 0.001, 200000, 0.05, 5000),
                                           ("alpha 0.01, N* 20000", -0.03, 0.012, 30000, 0.01, 20000),
                                           ("no effect", 0.0, 0.02, 1000, 0.05, 5000)]:
        rho = np.sqrt((-2 * np.log(alpha) + np.log(-2 * np.log(alpha) + 1)) / nstar)
        nr = n * rho ** 2 + 1
        half = np.sqrt(se ** 2 * n) * np.sqrt(2 * nr / (n * rho) ** 2 * np.log(np.sqrt(nr) / alpha))
        p = min(1.0, np.sqrt(nr) * np.exp(-(rho ** 2) * n * est ** 2 / (2 * se ** 2 * nr)))
        rows.append(dict(note=note, estimate=est, se=se, n=n, alpha=alpha, tuningSampleSize=nstar,
                         call="rho = np.sqrt((-2*np.log(a) + np.log(-2*np.log(a) + 1)) / N); nr = n*rho**2 + 1; "
                              "half = np.sqrt(se**2*n) * np.sqrt(2*nr/(n*rho)**2 * np.log(np.sqrt(nr)/a)); "
                              "p = min(1, np.sqrt(nr) * np.exp(-rho**2*n*est**2 / (2*se**2*nr)))",
                         rho=rho, halfWidth=half, pValue=p))
    return rows


def n_prop(delta, p1, alpha, power):
    za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    p2 = p1 + delta
    pbar = (p1 + p2) / 2
    return (za * np.sqrt(2 * pbar * (1 - pbar)) + zb * np.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / delta ** 2


def power_rows():
    rows = []
    for note, base, mde, alpha, power in [("10% lift on 5%", 0.05, 0.1, 0.05, 0.8), ("2% lift on 30%", 0.3, 0.02, 0.05, 0.9),
                                          ("50% lift on 1%", 0.01, 0.5, 0.01, 0.8)]:
        n = int(np.ceil(n_prop(base * mde, base, alpha, power)))
        rows.append(dict(note=note, baseline=base, mde=mde, alpha=alpha, power=power, n=n,
                         call="ceil(n_prop(baseline*mde, baseline, alpha, power))  # gen_experiment.py", sd=None))
    for note, base, sd, mde, alpha, power in [("continuous", 20.0, 8.0, 0.05, 0.05, 0.8)]:
        za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
        n = int(np.ceil(2 * (za + zb) ** 2 * sd ** 2 / (base * mde) ** 2))
        rows.append(dict(note=note, baseline=base, mde=mde, alpha=alpha, power=power, n=n, sd=sd,
                         call="ceil(2*(norm.ppf(1-alpha/2)+norm.ppf(power))**2 * sd**2 / (baseline*mde)**2)"))
    return rows


def mde_rows():
    rows = []
    for note, base, n, alpha, power in [("5% baseline, 10k/arm", 0.05, 10000, 0.05, 0.8),
                                        ("30% baseline, 2k/arm", 0.3, 2000, 0.05, 0.9)]:
        d = optimize.brentq(lambda x: n_prop(x, base, alpha, power) - n, 1e-9, 1 - base - 1e-9, xtol=1e-15)
        rows.append(dict(note=note, baseline=base, n=n, alpha=alpha, power=power, sd=None,
                         call="brentq(lambda d: n_prop(d, baseline, alpha, power) - n, 1e-9, 1-baseline-1e-9) / baseline",
                         mde=d / base))
    za, zb = stats.norm.ppf(0.975), stats.norm.ppf(0.8)
    rows.append(dict(note="continuous", baseline=20.0, n=5000, alpha=0.05, power=0.8, sd=8.0,
                     call="(norm.ppf(0.975) + norm.ppf(0.8)) * sd * np.sqrt(2/n) / baseline",
                     mde=(za + zb) * 8.0 * np.sqrt(2 / 5000) / 20.0))
    return rows


def dist_rows():
    rows = []
    for x, k in [(3.84, 1), (50.0, 3), (1400.0, 1), (1350.0, 5), (0.5, 10)]:
        rows.append(dict(fn="chi2Sf", x=x, k=k, call=f"stats.chi2.sf({x}, {k})", value=stats.chi2.sf(x, k)))
    for t, df in [(2.0, 10.0), (40.0, 5.5), (30.0, 1000.0), (-3.0, 2.5)]:
        rows.append(dict(fn="tTwoSided", x=t, k=df, call=f"2 * stats.t.sf(abs({t}), {df})", value=2 * stats.t.sf(abs(t), df)))
    for z in [1.96, 8.0, 37.0]:
        rows.append(dict(fn="normSf", x=z, k=None, call=f"stats.norm.sf({z})", value=stats.norm.sf(z)))
    return rows


def experiment_exports():
    return {
        "WELCH_CASES": ("WelchCase", welch_rows()),
        "ZPROP_CASES": ("ZPropCase", z_rows()),
        "LIFT_CASES": ("LiftCase", lift_rows()),
        "SEQ_CASES": ("SeqCase", seq_rows()),
        "POWER_CASES": ("PowerCase", power_rows()),
        "MDE_CASES": ("MdeCase", mde_rows()),
        "DIST_CASES": ("DistCase", dist_rows()),
    }
