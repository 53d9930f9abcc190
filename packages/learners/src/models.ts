import { F64, numberIsFinite } from './globals.js';
import { LinearModel, sigmoid, type Features, type LinearModelOptions, type LinearModelState } from './linear-model.js';

/** Binary logistic regression; targets are 0 or 1, log loss. */
export class LogisticRegression extends LinearModel {
  declare readonly kind: 'logistic_regression';

  constructor(options: LinearModelOptions = {}) {
    super('logistic_regression', options);
  }

  protected checkTarget(y: number): void {
    if (y !== 0 && y !== 1) throw new RangeError(`logistic regression targets are 0 or 1, got ${y}`);
  }

  /** P(y = 1 | x). */
  predictProbaOne(x: Features): number {
    return sigmoid(this.score(x));
  }

  /** The more probable class; ties (p = 0.5) go to 1. */
  predictOne(x: Features): number {
    return this.score(x) >= 0 ? 1 : 0;
  }

  predictProbaMany(xs: readonly Features[]): Float64Array {
    const out = new F64(xs.length);
    for (let k = 0; k < xs.length; k++) out[k] = this.predictProbaOne(xs[k]!);
    return out;
  }

  static fromJSON(state: LinearModelState): LogisticRegression {
    return new LogisticRegression(state.options).restore(state);
  }
}

/** Least-squares linear regression; loss ½(ŷ − y)². */
export class LinearRegression extends LinearModel {
  declare readonly kind: 'linear_regression';

  constructor(options: LinearModelOptions = {}) {
    super('linear_regression', options);
  }

  protected checkTarget(y: number): void {
    if (!numberIsFinite(y)) throw new RangeError(`regression targets must be finite, got ${y}`);
  }

  predictOne(x: Features): number {
    return this.score(x);
  }

  static fromJSON(state: LinearModelState): LinearRegression {
    return new LinearRegression(state.options).restore(state);
  }
}

/** Restores either model from its toJSON() output. */
export function modelFromJSON(state: LinearModelState): LogisticRegression | LinearRegression {
  switch (state.kind) {
    case 'logistic_regression':
      return LogisticRegression.fromJSON(state);
    case 'linear_regression':
      return LinearRegression.fromJSON(state);
    default:
      throw new TypeError(`unknown model kind ${JSON.stringify((state as { kind?: unknown }).kind)}`);
  }
}
