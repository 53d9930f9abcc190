import { z } from 'zod';
import { safeString, safeText } from './common.js';
import { ExternalTask, Gate, LearningMetric, PipelineFeature, UpdateEntry } from './learning.js';
import { UpdateReason } from './queues.js';
import { VersionName } from './registry.js';

// ---------------------------------------------------------------- external trainers' update jobs

/**
 * An update job of an external-learner pipeline. `queued` until a worker claims it; `leased` while
 * the worker's lease runs (an expired lease is claimable again); `completed` once the worker's
 * version went through the gate (its samples are then consumed); `failed` when the worker gave up
 * (its samples are offered again in a new job).
 */
export const ExternalJobStatus = z.enum(['queued', 'leased', 'completed', 'failed']);
export type ExternalJobStatus = z.infer<typeof ExternalJobStatus>;

/** Longest lease a worker may ask for; it heartbeats to keep a job longer. */
export const MAX_LEASE_SECONDS = 3600;
const LeaseSeconds = z.number().int().min(1).max(MAX_LEASE_SECONDS);

/** A worker's name, shown on the job (e.g. host and process id). */
const WorkerName = safeString()
  .min(1)
  .max(128)
  .regex(/^[\w.:@/-]+$/, 'letters, digits and _ . : @ / -');

export const ClaimJobBody = z.strictObject({
  worker: WorkerName.optional(),
  /** How long the lease lasts without a heartbeat. Default 60 s. */
  leaseSeconds: LeaseSeconds.default(60),
});
export type ClaimJobBody = z.infer<typeof ClaimJobBody>;

/** The secret a claim answers with; every later call on the job proves the lease with it. */
export const LeaseToken = safeString()
  .min(16)
  .max(128)
  .regex(/^[\w-]+$/, 'the leaseToken the claim answered with');

export const HeartbeatBody = z.strictObject({ leaseToken: LeaseToken, leaseSeconds: LeaseSeconds.optional() });
export type HeartbeatBody = z.infer<typeof HeartbeatBody>;

/** Metric values the worker measured on the held-out samples the job named (gate metric required). */
export const HoldoutMetrics = z.partialRecord(LearningMetric, z.number().refine(Number.isFinite, 'must be a finite number'));
export type HoldoutMetrics = z.infer<typeof HoldoutMetrics>;

export const CompleteJobBody = z.strictObject({
  leaseToken: LeaseToken,
  /** The draft version the worker registered (with its artifact) in the pipeline's model. */
  version: VersionName,
  /** The candidate's metrics on the held-out samples; the gate reads its metric from here. */
  metrics: HoldoutMetrics,
  /**
   * The production version's metrics on the same samples, used only when the service cannot score
   * production itself (its artifact is not a model.json this service loads, e.g. ONNX).
   */
  productionMetrics: HoldoutMetrics.optional(),
});
export type CompleteJobBody = z.infer<typeof CompleteJobBody>;

export const FailJobBody = z.strictObject({ leaseToken: LeaseToken, reason: safeText().min(1).max(2000) });
export type FailJobBody = z.infer<typeof FailJobBody>;

export const SamplesFormat = z.enum(['ndjson', 'csv']);
export type SamplesFormat = z.infer<typeof SamplesFormat>;
/** Which samples of the window to stream: all (training first, held out last), train or holdout. */
export const SamplesPart = z.enum(['all', 'train', 'holdout']);
export type SamplesPart = z.infer<typeof SamplesPart>;
export const JobSamplesQuery = z.strictObject({ format: SamplesFormat.optional(), part: SamplesPart.default('all') });
export type JobSamplesQuery = z.infer<typeof JobSamplesQuery>;

/** A range of absolute sample numbers, `from` included, `to` excluded. */
export const SampleRange = z.object({ from: z.number().int(), to: z.number().int(), count: z.number().int() });
export type SampleRange = z.infer<typeof SampleRange>;

const JobArtifact = z.object({ path: z.string(), url: z.string(), sha256: z.string(), size: z.number().int() });

export const ExternalJobResponse = z.object({
  id: z.uuid(),
  pipeline: z.string(),
  pipelineId: z.uuid(),
  model: z.string(),
  reason: UpdateReason,
  driftReportId: z.string().nullable(),
  status: ExternalJobStatus,
  attempts: z.number().int(),
  task: ExternalTask,
  features: z.array(PipelineFeature),
  target: z.string(),
  /** The whole window, in order: `train` first, then `holdout` (the most recent samples). */
  samples: SampleRange,
  train: SampleRange,
  holdout: SampleRange,
  gate: Gate,
  /** `previous`: continue from `parentVersion`; `fresh`: train from scratch (first model, or a reset on drift). */
  start: z.enum(['fresh', 'previous']),
  parentVersion: z.string().nullable(),
  /** Only in a claim's answer, and only to the worker holding the lease. */
  leaseToken: z.string().optional(),
  worker: z.string().nullable(),
  leaseExpiresAt: z.string().nullable(),
  /** The version in production when the job was claimed, and where its artifacts are (registry API). */
  production: z.object({ version: z.string(), artifacts: z.array(JobArtifact) }).nullable(),
  /** Set once completed or failed. */
  version: z.string().nullable(),
  outcome: z.string().nullable(),
  detail: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ExternalJobResponse = z.infer<typeof ExternalJobResponse>;

export const CompleteJobResponse = z.object({ job: ExternalJobResponse, update: UpdateEntry });
export type CompleteJobResponse = z.infer<typeof CompleteJobResponse>;

export const FailJobResponse = z.object({ job: ExternalJobResponse, retryJobId: z.uuid().nullable() });
export type FailJobResponse = z.infer<typeof FailJobResponse>;
