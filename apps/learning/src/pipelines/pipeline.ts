import type { AdaptiveSpec, Gate, LearnerSpec, OnDrift, PipelineFeature, PipelineState, RegisterSpec, Strategy } from '@modelyard/types';
import type { z } from 'zod';

export type Adaptive = z.infer<typeof AdaptiveSpec>;
export type DriftStart = z.infer<typeof OnDrift>;

/**
 * A pipeline as the service works with it: enums typed and JSON columns parsed, once, by
 * `toPipeline` (pipelines.mapper.ts). Nothing past the repository sees the Prisma row.
 */
export interface Pipeline {
  id: string;
  name: string;
  model: string;
  description: string | null;
  state: PipelineState;
  /** Fixed at creation: checkpoints and registered versions depend on it. */
  learner: LearnerSpec;
  features: PipelineFeature[];
  target: string;
  strategy: Strategy;
  batchSize: number;
  minSamples: number;
  maxBuffer: number;
  scheduleSeconds: number | null;
  adaptive: Adaptive | null;
  gate: Gate;
  register: RegisterSpec;
  /** Who turned register.autoPromote on (it needs the admin scope); null while it is off. */
  autoPromoteEnabledBy: string | null;
  onDrift: DriftStart;
  /** Absolute number of the first buffered sample not yet consumed by an update (buffer.store.ts). */
  consumedThrough: bigint;
  samplesSeen: bigint;
  /** Update runs finished so far; the next run's job id is derived from it. */
  updateSeq: number;
  currentVersion: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}
