/**
 * Module-scope aliases of the globals used once per sample or per coordinate.
 *
 * Why: Jest 30 runs tests in a vm context whose global object is a Proxy, and there every global
 * lookup (`Math`, `Number`, `Float64Array`) takes the slow generic path, about 1 µs each: the
 * learners ran 10–15× slower under test than in Node. Imported bindings are resolved once when the
 * module is linked, so the hot loops cost the same under Jest and in production.
 */
export const { abs, cos, exp, floor, imul, log, max, min, PI, pow, sin, sqrt } = Math;
export const numberIsFinite = Number.isFinite;
export const numberIsNaN = Number.isNaN;
export const F64 = Float64Array;
