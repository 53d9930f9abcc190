import { EpochMs, MetricValue, ParamValue, RunStatus, TagValue, TrackingKey, safeString } from '@modelyard/types';
import { z } from 'zod';

// Request bodies of MLflow's REST API 2.0 (protos/service.proto). Objects are not strict: MLflow
// ignores fields it does not know, and clients send extra ones (run_uuid beside run_id, user_id…).

/** int64 fields arrive as JSON numbers, or as strings from clients that follow proto3's JSON mapping. */
const int64 = z
  .union([z.number().int(), z.string().regex(/^-?\d{1,16}$/)])
  .transform(Number)
  .pipe(z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER));
const timestamp = int64.pipe(EpochMs);
/** Experiment ids are strings of digits; some clients send numbers. */
const experimentId = z
  .union([z.string(), z.number().int()])
  .transform(String)
  .pipe(z.string().regex(/^\d{1,18}$/, 'an experiment id'));
const runId = z.string().min(1).max(64);
const tag = z.object({ key: TrackingKey, value: TagValue });
const metricValue = z.union([
  MetricValue,
  z
    .string()
    .regex(/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i)
    .transform(Number),
]);
const metric = z.object({ key: TrackingKey, value: metricValue, timestamp, step: int64.default(0) });
type RunRef = { run_id?: string; run_uuid?: string };
/** Older clients send only run_uuid; newer ones both. */
const withRun = <T extends z.ZodRawShape>(shape: T) =>
  z
    .object({ run_id: runId.optional(), run_uuid: runId.optional(), ...shape })
    .refine((b) => Boolean((b as RunRef).run_id ?? (b as RunRef).run_uuid), { message: 'run_id is required', path: ['run_id'] })
    .transform((b) => ({ ...b, run_id: ((b as RunRef).run_id ?? (b as RunRef).run_uuid)! }));
const ViewType = z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']).default('ACTIVE_ONLY');
const pageToken = safeString().max(512).optional();

export const CreateExperiment = z.object({
  name: safeString().min(1).max(256),
  artifact_location: safeString().min(1).max(1024).optional(),
  tags: z.array(tag).max(100).optional(),
});
export const ExperimentIdQuery = z.object({ experiment_id: experimentId });
export const ExperimentByName = z.object({ experiment_name: safeString().min(1).max(256) });
export const SearchExperiments = z.object({
  max_results: int64.pipe(z.number().min(1).max(50000)).default(1000),
  page_token: pageToken,
  filter: safeString().max(4000).optional(),
  view_type: ViewType,
});
export const UpdateExperiment = z.object({ experiment_id: experimentId, new_name: safeString().min(1).max(256) });
export const ExperimentTag = z.object({ experiment_id: experimentId, key: TrackingKey, value: TagValue });

export const CreateRun = z.object({
  experiment_id: experimentId.default('0'),
  user_id: safeString().max(256).optional(),
  run_name: safeString().min(1).max(250).optional(),
  start_time: timestamp.optional(),
  tags: z.array(tag).max(100).optional(),
});
export const UpdateRun = withRun({
  status: RunStatus.optional(),
  end_time: timestamp.optional(),
  run_name: safeString().min(1).max(250).optional(),
});
export const RunOnly = withRun({});
export const RunQuery = z
  .object({ run_id: runId.optional(), run_uuid: runId.optional() })
  .refine((q) => q.run_id ?? q.run_uuid, { message: 'run_id is required', path: ['run_id'] })
  .transform((q) => ({ run_id: (q.run_id ?? q.run_uuid)! }));
export const SearchRuns = z.object({
  experiment_ids: z.array(experimentId).max(100).default([]),
  filter: safeString().max(4000).optional(),
  run_view_type: ViewType,
  max_results: int64.pipe(z.number().min(1).max(50000)).default(1000),
  order_by: z.array(safeString().min(1).max(300)).max(10).optional(),
  page_token: pageToken,
});
export const LogMetric = withRun({ key: TrackingKey, value: metricValue, timestamp, step: int64.default(0) });
export const LogParam = withRun({ key: TrackingKey, value: ParamValue });
export const SetTag = withRun({ key: TrackingKey, value: TagValue });
export const DeleteTag = withRun({ key: TrackingKey });
export const LogBatch = withRun({
  metrics: z.array(metric).max(1000).default([]),
  params: z
    .array(z.object({ key: TrackingKey, value: ParamValue }))
    .max(100)
    .default([]),
  tags: z.array(tag).max(100).default([]),
});
const dataset = z.object({
  name: safeString().min(1).max(500),
  digest: safeString().min(1).max(36),
  source_type: safeString().min(1).max(36),
  source: z.string().max(65535),
  schema: z.string().max(1048576).optional(),
  profile: z.string().max(16384).optional(),
});
export const LogInputs = withRun({
  datasets: z
    .array(z.object({ tags: z.array(tag).max(100).default([]), dataset }))
    .max(100)
    .default([]),
});
export const MetricHistory = z
  .object({
    run_id: runId.optional(),
    run_uuid: runId.optional(),
    metric_key: TrackingKey,
    page_token: pageToken,
    max_results: z.coerce.number().int().min(1).max(25000).default(25000),
  })
  .refine((q) => q.run_id ?? q.run_uuid, { message: 'run_id is required', path: ['run_id'] })
  .transform((q) => ({ ...q, run_id: (q.run_id ?? q.run_uuid)! }));
export const ListArtifacts = z
  .object({ run_id: runId.optional(), run_uuid: runId.optional(), path: safeString().max(1024).optional(), page_token: pageToken })
  .refine((q) => q.run_id ?? q.run_uuid, { message: 'run_id is required', path: ['run_id'] })
  .transform((q) => ({ ...q, run_id: (q.run_id ?? q.run_uuid)! }));
export const ProxyListQuery = z.object({ path: safeString().max(1024).optional() });
export const LogModel = withRun({ model_json: z.string().min(2).max(1048576) });
