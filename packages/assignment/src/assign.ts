import { hash } from './hash.js';
import { bucketRanges, chooseVariant, type BucketRange } from './ranges.js';

export interface AssignmentConfig {
  seed: string;
  weights: readonly number[];
  coverage: number;
}

export interface Assignment {
  /** Index of the arm, or -1 when the unit is outside the experiment's coverage. */
  variant: number;
  inExperiment: boolean;
  /** The unit's hash position in [0, 1). */
  position: number;
}

/**
 * Assigns units for one experiment configuration. The ranges are computed once, so assigning many
 * units costs one hash and a short scan each.
 */
export function assigner(config: AssignmentConfig): (unit: string) => Assignment {
  const ranges: readonly BucketRange[] = bucketRanges(config.weights, config.coverage);
  return (unit) => {
    const position = hash(config.seed, unit);
    const variant = chooseVariant(position, ranges);
    return { variant, inExperiment: variant >= 0, position };
  };
}
