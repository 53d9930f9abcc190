// stdlib-js's special functions, loaded on first use. Each of its packages is a CommonJS tree of
// hundreds of tiny modules (439 for the six used here): imported at start, they cost a service
// about 6 MB of RSS and 0.1 s before it is ready, for functions a drift check or an experiment's
// results call later, if ever. They are CommonJS, so `require` loads them synchronously and the
// exported functions stay synchronous.
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

function lazy<F>(id: string): () => F {
  let fn: F | undefined;
  return () => (fn ??= load(id) as F);
}

type BetaInc = typeof import('@stdlib/math-base-special-betainc');
type GammaInc = typeof import('@stdlib/math-base-special-gammainc');
type GammaLn = typeof import('@stdlib/math-base-special-gammaln');
type NormalCdf = typeof import('@stdlib/stats-base-dists-normal-cdf');
type NormalPdf = typeof import('@stdlib/stats-base-dists-normal-pdf');
type NormalQuantile = typeof import('@stdlib/stats-base-dists-normal-quantile');
type TQuantile = typeof import('@stdlib/stats-base-dists-t-quantile');

const betaincFn = lazy<BetaInc>('@stdlib/math-base-special-betainc');
const gammaincFn = lazy<GammaInc>('@stdlib/math-base-special-gammainc');
const gammalnFn = lazy<GammaLn>('@stdlib/math-base-special-gammaln');
const normalCdfFn = lazy<NormalCdf>('@stdlib/stats-base-dists-normal-cdf');
const normalPdfFn = lazy<NormalPdf>('@stdlib/stats-base-dists-normal-pdf');
const normalQuantileFn = lazy<NormalQuantile>('@stdlib/stats-base-dists-normal-quantile');
const tQuantileFn = lazy<TQuantile>('@stdlib/stats-base-dists-t-quantile');

/** Regularised incomplete beta (stdlib's argument order: x, a, b, regularized, upper). */
export const betainc: BetaInc = (x, a, b, regularized, upper) => betaincFn()(x, a, b, regularized, upper);
/** Regularised incomplete gamma (x, s, regularized, upper). */
export const gammainc: GammaInc = (x, s, regularized, upper) => gammaincFn()(x, s, regularized, upper);
export const gammaln: GammaLn = (x) => gammalnFn()(x);
export const normalCdf = (x: number, mu: number, sigma: number): number => normalCdfFn()(x, mu, sigma);
export const normalPdf = (x: number, mu: number, sigma: number): number => normalPdfFn()(x, mu, sigma);
export const normalQuantile = (p: number, mu: number, sigma: number): number => normalQuantileFn()(p, mu, sigma);
export const tQuantile = (p: number, v: number): number => tQuantileFn()(p, v);
