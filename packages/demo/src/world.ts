import { Rng } from '@modelyard/learners';

export const FEATURES = ['x0', 'x1', 'x2', 'x3', 'x4'] as const;
export type Feature = (typeof FEATURES)[number];
export type Row = Record<Feature, number>;

export interface Labelled {
  unit: string;
  x: Row;
  y: 0 | 1;
}

/** How far x0's mean moves when the world drifts, in standard deviations. */
export const X0_SHIFT = 1.5;

/**
 * The seeded world the demo's model lives in: five standard-normal features and a logistic label.
 * When it drifts, two things change at once, as they tend to in production: x0's distribution
 * moves (covariate shift, what the drift monitor sees) and x0's effect on the label flips sign
 * (concept drift, what makes the old model wrong). x3 is noise throughout.
 */
export class World {
  private readonly rng: Rng;
  private drifted = false;
  private served = 0;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  drift(): void {
    this.drifted = true;
  }

  get isDrifted(): boolean {
    return this.drifted;
  }

  /** The next request: a unit id, its features and the label that will later be observed. */
  next(): Labelled {
    const r = this.rng;
    const x: Row = { x0: r.normal() + (this.drifted ? X0_SHIFT : 0), x1: r.normal(), x2: r.normal(), x3: r.normal(), x4: r.normal() };
    const x0Effect = this.drifted ? -2 * (x.x0 - X0_SHIFT) : 2 * x.x0;
    const logit = x0Effect - 1.5 * x.x1 + x.x2 + 0.5 * x.x4 + 0.2;
    const y = r.uniform() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    return { unit: `user-${this.served++}`, x, y };
  }

  batch(n: number): Labelled[] {
    return Array.from({ length: n }, () => this.next());
  }
}
