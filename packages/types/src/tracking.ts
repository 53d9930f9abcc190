import { z } from 'zod';
import { pageOf, safeString, safeText } from './common.js';

// Training-run tracking: projects (MLflow's "experiments"; not A/B experiments) and their runs.

/** A run id: 32 hex digits as MLflow writes them (a UUID with its dashes is accepted too). */
export const RunId = safeString().regex(
  /^[0-9a-f]{32}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  'a run id (32 hex digits)',
);

export const RunStatus = z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);
export type RunStatus = z.infer<typeof RunStatus>;
export const TrackingLifecycle = z.enum(['active', 'deleted']);

export const ProjectName = safeString().min(1).max(256);
export const TrackingKey = safeString().min(1).max(250);
export const ParamValue = safeText().max(6000);
export const TagValue = safeText().max(8000);
/** Milliseconds since the Unix epoch (MLflow's unit for every timestamp). */
export const EpochMs = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const KeyValue = z.strictObject({ key: TrackingKey, value: TagValue });
export type KeyValue = z.infer<typeof KeyValue>;

export const CreateProjectBody = z.strictObject({
  name: ProjectName,
  /** Where runs' files live; by default the registry's own storage (`mlflow-artifacts:/<id>`). */
  artifactLocation: safeString().min(1).max(1024).optional(),
  tags: z.array(KeyValue).max(100).optional(),
});
export type CreateProjectBody = z.infer<typeof CreateProjectBody>;

export const ProjectResponse = z.object({
  id: z.string(),
  name: z.string(),
  artifactLocation: z.string(),
  lifecycle: TrackingLifecycle,
  tags: z.array(z.object({ key: z.string(), value: z.string() })),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProjectResponse = z.infer<typeof ProjectResponse>;
export const ProjectPage = pageOf(ProjectResponse);

export const CreateRunBody = z.strictObject({
  name: safeString().min(1).max(250).optional(),
  startTime: EpochMs.optional(),
  tags: z.array(KeyValue).max(100).optional(),
});
export type CreateRunBody = z.infer<typeof CreateRunBody>;

export const UpdateRunBody = z.strictObject({
  status: RunStatus.optional(),
  endTime: EpochMs.optional(),
  name: safeString().min(1).max(250).optional(),
});
export type UpdateRunBody = z.infer<typeof UpdateRunBody>;

/** A metric value: a number, or NaN / ±Infinity spelled as strings (JSON has no such numbers). */
export const MetricValue = z.union([z.number(), z.literal('NaN'), z.literal('Infinity'), z.literal('-Infinity')]);
export type MetricValue = z.infer<typeof MetricValue>;

export const MetricPoint = z.strictObject({
  key: TrackingKey,
  value: MetricValue,
  step: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).default(0),
  timestamp: EpochMs,
});
export type MetricPoint = z.infer<typeof MetricPoint>;

/** One call's worth of logging, as MLflow's log-batch allows (1,000 metrics, 100 params, 100 tags). */
export const LogBatchBody = z.strictObject({
  metrics: z.array(MetricPoint).max(1000).optional(),
  params: z
    .array(z.strictObject({ key: TrackingKey, value: ParamValue }))
    .max(100)
    .optional(),
  tags: z.array(KeyValue).max(100).optional(),
});
export type LogBatchBody = z.infer<typeof LogBatchBody>;

export const MetricPointResponse = z.object({ key: z.string(), value: MetricValue, step: z.number(), timestamp: z.number() });
export type MetricPointResponse = z.infer<typeof MetricPointResponse>;

export const RunResponse = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  status: RunStatus,
  userId: z.string(),
  startTime: z.number(),
  endTime: z.number().nullable(),
  lifecycle: TrackingLifecycle,
  artifactUri: z.string(),
  params: z.array(z.object({ key: z.string(), value: z.string() })),
  tags: z.array(z.object({ key: z.string(), value: z.string() })),
  /** The latest point of each metric (highest step, then newest timestamp). */
  metrics: z.array(MetricPointResponse),
});
export type RunResponse = z.infer<typeof RunResponse>;
export const RunPage = pageOf(RunResponse);

/** What a version shows of its lineage run. */
export const RunSummary = z.object({
  id: z.string(),
  url: z.string(),
  name: z.string().optional(),
  status: RunStatus.optional(),
  params: z.array(z.object({ key: z.string(), value: z.string() })).optional(),
  metrics: z.array(MetricPointResponse).optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const SearchRunsBody = z.strictObject({
  projectIds: z
    .array(safeString().regex(/^\d{1,18}$/, 'a project id'))
    .min(1)
    .max(100)
    .optional(),
  /** e.g. `metrics.auc > 0.9 and params.depth = '6' and tags.team = 'growth' and status = 'FINISHED'`. */
  filter: safeText().max(4000).optional(),
  /** e.g. `["metrics.auc DESC", "start_time ASC"]`; ties are broken by run id. */
  orderBy: z.array(safeString().min(1).max(300)).max(10).optional(),
  includeDeleted: z.boolean().optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  cursor: safeString().min(1).max(512).optional(),
});
export type SearchRunsBody = z.infer<typeof SearchRunsBody>;

export const MetricHistoryQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(25000).default(1000),
  cursor: safeString().min(1).max(512).optional(),
});
export type MetricHistoryQuery = z.infer<typeof MetricHistoryQuery>;
export const MetricHistoryPage = pageOf(MetricPointResponse);

export const RunArtifactResponse = z.object({ path: z.string(), size: z.number(), sha256: z.string(), uploadedAt: z.string() });
export const RunArtifactList = z.object({ items: z.array(RunArtifactResponse) });
