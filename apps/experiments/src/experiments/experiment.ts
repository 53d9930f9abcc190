import type {
  BanditSettings,
  Conclusion,
  Direction,
  ExperimentStatus,
  ExperimentType,
  MetricKind as MetricKindSchema,
  Variant,
  WeightPeriod,
} from '@modelyard/types';
import type { z } from 'zod';

export type MetricKind = z.infer<typeof MetricKindSchema>;

export interface MetricDef {
  name: string;
  kind: MetricKind;
  direction: Direction;
}

export interface GuardrailDef extends MetricDef {
  /** Largest tolerated relative degradation vs control, e.g. 0.05 = 5 % worse. */
  maxRelativeDegradation: number;
}

/**
 * An experiment as the service works with it: its variants and guardrails in their order, the
 * primary metric and the recorded conclusion typed, built once by `toExperiment`
 * (experiments.mapper.ts). Nothing past the repositories sees a Prisma row.
 */
export interface Experiment {
  id: string;
  key: string;
  model: string;
  description: string | null;
  status: ExperimentStatus;
  /** In their order: assignment hashes into the weights in this order. */
  variants: Variant[];
  control: string;
  coverage: number;
  seed: string;
  primaryMetric: MetricDef;
  guardrails: GuardrailDef[];
  minSampleSize: number | null;
  sequential: boolean;
  alpha: number;
  autoPromote: boolean;
  /** Who turned autoPromote on (it needs the admin scope); null while it is off. */
  autoPromoteEnabledBy: string | null;
  maxDurationHours: number | null;
  type: ExperimentType;
  /** A bandit's settings; null for fixed experiments. */
  bandit: BanditSettings | null;
  /** A bandit's weight periods in order (empty before its first re-weighing). */
  weightPeriods: WeightPeriod[];
  /** Bumped on every change that affects assignment; the SDK config's ETag. */
  revision: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  conclusion: Conclusion | null;
}
