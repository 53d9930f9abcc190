import { z } from 'zod';
import { JsonObject, JsonValue, PageQuery, Tags, TeamName, pageOf, safeString, safeText } from './common.js';
import { RunId, RunSummary } from './tracking.js';
import { ApprovalsResponse, RequiredApprovals } from './approvals.js';

// ---------------------------------------------------------------- names, versions, stages

export const ModelName = safeString()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'starts with a letter or digit; then letters, digits, . _ -');

/** Semantic Versioning 2.0.0 (semver.org's recommended expression), without build metadata. */
export const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?$/;
export const SemVer = safeString().max(64).regex(SEMVER_PATTERN, 'a semantic version such as 1.4.0 or 2.0.0-rc.1');

/**
 * How a model names its versions: semantic versions (given, or bumped), or UTC timestamps
 * `YYYYMMDD.HHMMSS`, with `.n` appended to keep them strictly increasing within one second.
 */
export const Versioning = z.enum(['semver', 'timestamp']);
export type Versioning = z.infer<typeof Versioning>;

export const TIMESTAMP_VERSION_PATTERN = /^(\d{4})(\d{2})(\d{2})\.(\d{2})(\d{2})(\d{2})(?:\.([1-9]\d{0,8}))?$/;

/** A timestamp version naming a real UTC date and time (20261302.000000 is none). */
export function isTimestampVersion(version: string): boolean {
  const m = TIMESTAMP_VERSION_PATTERN.exec(version);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  return at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d && h < 24 && mi < 60 && se < 60;
}

/** A version of either scheme: what routes and references to an existing version accept. */
export const VersionName = safeString()
  .max(64)
  .refine((v) => SEMVER_PATTERN.test(v) || isTimestampVersion(v), {
    message: 'a semantic version such as 1.4.0 or 2.0.0-rc.1, or a timestamp version such as 20261202.061500',
  });

export const Stage = z.enum(['draft', 'testing', 'staging', 'production', 'archived', 'failed']);
export type Stage = z.infer<typeof Stage>;

/**
 * The lifecycle. `production` is entered only through promotion or rollback (which archive the
 * previous production version in the same transaction); `failed` is reachable from every
 * pre-production stage; archived versions can be brought back to staging for another look.
 */
export const ALLOWED_TRANSITIONS: Record<Stage, readonly Stage[]> = {
  draft: ['testing', 'staging', 'failed', 'archived'],
  testing: ['draft', 'staging', 'failed', 'archived'],
  staging: ['testing', 'production', 'failed', 'archived'],
  production: ['archived'],
  archived: ['staging'],
  failed: ['draft', 'archived'],
};

export const Bump = z.enum(['major', 'minor', 'patch']);
export const Direction = z.enum(['higher', 'lower']);
export type Direction = z.infer<typeof Direction>;

const MetricName = safeString().min(1).max(128);
export const Metrics = z.record(MetricName, z.number());

// ---------------------------------------------------------------- models

export const CreateModelBody = z.strictObject({
  name: ModelName,
  description: safeText().max(4000).optional(),
  tags: Tags.optional(),
  owner: safeString().min(1).max(256).optional(),
  /** Default `semver`. */
  versioning: Versioning.optional(),
  /** Approvals a version needs before production (default 0: none). */
  requiredApprovals: RequiredApprovals.optional(),
  /** The team that owns the model (the caller must be its editor or maintainer); none: global roles decide. */
  team: TeamName.optional(),
});
export type CreateModelBody = z.infer<typeof CreateModelBody>;

export const UpdateModelBody = z
  .strictObject({
    description: safeText().max(4000).nullable().optional(),
    tags: Tags.optional(),
    owner: safeString().min(1).max(256).optional(),
    /** Only while the model has no versions: the two schemes do not sort against each other. */
    versioning: Versioning.optional(),
    requiredApprovals: RequiredApprovals.optional(),
    /** Transfers the model to another team: a platform admin, or a maintainer of both teams. */
    team: TeamName.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });
export type UpdateModelBody = z.infer<typeof UpdateModelBody>;

export const ListModelsQuery = PageQuery.extend({
  prefix: safeString().max(128).optional(),
  tag: safeString().max(64).optional(),
});
export type ListModelsQuery = z.infer<typeof ListModelsQuery>;

export const ModelResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  tags: z.array(z.string()),
  owner: z.string(),
  versioning: Versioning,
  requiredApprovals: z.number().int(),
  /** The owning team; null when the model has none (global roles decide). */
  team: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ModelResponse = z.infer<typeof ModelResponse>;
export const ModelPage = pageOf(ModelResponse);

// ---------------------------------------------------------------- versions

export const Lineage = z.strictObject({
  parentVersion: VersionName.optional(),
  pipelineId: safeString().max(128).optional(),
  experimentKey: safeString().max(128).optional(),
  dataset: safeString().max(1024).optional(),
  /** The training run the version came from (`/v1/runs/:id`). */
  runId: RunId.optional(),
});

export const CreateVersionBody = z
  .strictObject({
    version: VersionName.optional(),
    bump: Bump.optional(),
    description: safeText().max(4000).optional(),
    tags: Tags.optional(),
    metrics: Metrics.optional(),
    params: z.record(safeString().max(256), JsonValue).optional(),
    config: JsonObject.optional(),
    trainingInfo: JsonObject.optional(),
    inputSchema: JsonObject.optional(),
    outputSchema: JsonObject.optional(),
    lineage: Lineage.optional(),
  })
  .refine((b) => !(b.version && b.bump), { message: 'give either version or bump, not both', path: ['bump'] });
export type CreateVersionBody = z.infer<typeof CreateVersionBody>;

export const ListVersionsQuery = PageQuery.extend({
  stage: Stage.optional(),
  tag: safeString().max(64).optional(),
});
export type ListVersionsQuery = z.infer<typeof ListVersionsQuery>;

// ---------------------------------------------------------------- validation reports

export const ValidationStatus = z.enum(['passed', 'failed']);
export type ValidationStatus = z.infer<typeof ValidationStatus>;
/** `skipped`: nothing to check against (no input schema, no monitor, no declared floors). */
export const ValidationCheckStatus = z.enum(['passed', 'failed', 'skipped']);
export type ValidationCheckStatus = z.infer<typeof ValidationCheckStatus>;

export const ValidationCheck = z.strictObject({
  name: safeString()
    .min(1)
    .max(64)
    .regex(/^[a-z][a-z0-9_]*$/, 'snake_case, starting with a letter'),
  status: ValidationCheckStatus,
  detail: safeText().max(4000),
  /** The measured figure when the check has one (a latency, a metric value, a count). */
  value: z.number().finite().optional(),
});
export type ValidationCheck = z.infer<typeof ValidationCheck>;

/** How the version ran where it was validated. */
export const ValidationRuntime = z.strictObject({
  format: safeString().max(64).optional(),
  /** Timed single-instance inferences behind the latency figures. */
  runs: z.number().int().min(0).max(1_000_000).optional(),
  latencyP50Ms: z.number().finite().min(0).optional(),
  latencyP99Ms: z.number().finite().min(0).optional(),
});

const Sha256Hex = safeString().regex(/^[a-f0-9]{64}$/, 'a lower-case hex SHA-256');

/**
 * A validation report as its validator sends it. The registry stamps who sent it and when; the
 * status must agree with the checks (failed exactly when one of them failed).
 */
export const ValidationReportBody = z
  .strictObject({
    status: ValidationStatus,
    checks: z.array(ValidationCheck).min(1).max(100),
    /** The tool that ran the checks (`serving` for the serving service). */
    validator: safeString()
      .min(1)
      .max(64)
      .regex(/^[a-z][a-z0-9_-]*$/, 'lower-case letters, digits, _ and -'),
    /** The artifact validated: a report says nothing about other bytes. */
    artifact: z.strictObject({ path: safeString().min(1).max(1024), sha256: Sha256Hex }).optional(),
    runtime: ValidationRuntime.optional(),
  })
  .refine((b) => (b.status === 'failed') === b.checks.some((c) => c.status === 'failed'), {
    message: 'must be failed exactly when a check failed',
    path: ['status'],
  });
export type ValidationReportBody = z.infer<typeof ValidationReportBody>;

export const ValidationReport = z.object({
  status: ValidationStatus,
  checks: z.array(z.object({ name: z.string(), status: ValidationCheckStatus, detail: z.string(), value: z.number().optional() })),
  validator: z.string(),
  artifact: z.object({ path: z.string(), sha256: z.string() }).nullable(),
  runtime: z.object({
    format: z.string().optional(),
    runs: z.number().optional(),
    latencyP50Ms: z.number().optional(),
    latencyP99Ms: z.number().optional(),
  }),
  /** The credential that sent it (`service:serving`, `key:<id>`, a user). */
  validatedBy: z.string(),
  validatedAt: z.string(),
});
export type ValidationReport = z.infer<typeof ValidationReport>;

export const VersionResponse = z.object({
  id: z.uuid(),
  model: z.string(),
  version: z.string(),
  stage: Stage,
  description: z.string().nullable(),
  tags: z.array(z.string()),
  metrics: z.record(z.string(), z.number()),
  params: z.record(z.string(), JsonValue),
  config: JsonObject,
  trainingInfo: JsonObject,
  inputSchema: JsonObject.nullable(),
  outputSchema: JsonObject.nullable(),
  lineage: z.object({
    parentVersion: z.string().nullable(),
    pipelineId: z.string().nullable(),
    experimentKey: z.string().nullable(),
    dataset: z.string().nullable(),
    runId: z.string().nullable(),
  }),
  /** The lineage run's params and latest metrics (single-version answers; a link in lists). */
  run: RunSummary.nullable().optional(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  stageChangedAt: z.string(),
  /** Set when a stored artifact of this version failed its integrity check (download or verify). */
  integrityFailedAt: z.string().nullable(),
  /** The newest validation report (PUT …/validation), null when the version has none. */
  validation: ValidationReport.nullable(),
  /** Where the version stands against its model's required approvals (single-version answers). */
  approvals: ApprovalsResponse.optional(),
});
export type VersionResponse = z.infer<typeof VersionResponse>;
export const VersionPage = pageOf(VersionResponse);

// ---------------------------------------------------------------- lifecycle

const Reason = safeText().max(1000);

export const TransitionBody = z.strictObject({ to: Stage, reason: Reason.optional() });
export type TransitionBody = z.infer<typeof TransitionBody>;

export const PromotionPolicy = z
  .strictObject({
    metric: MetricName.optional(),
    direction: Direction.optional(),
    /** Absolute margin by which the candidate must beat the production version's metric. */
    minImprovement: z.number().min(0).default(0),
    /** The candidate's newest validation report must exist and have passed. */
    requireValidation: z.boolean().default(false),
  })
  .refine((p) => !p.metric || p.direction, { message: 'give the direction of the metric', path: ['direction'] })
  .refine((p) => p.metric || p.requireValidation, { message: 'give a metric or requireValidation: true', path: ['metric'] });
export type PromotionPolicy = z.infer<typeof PromotionPolicy>;

export const PromoteBody = z.strictObject({ reason: Reason.optional(), policy: PromotionPolicy.optional() });
export type PromoteBody = z.infer<typeof PromoteBody>;

export const ShouldPromoteQuery = z.strictObject({
  metric: MetricName,
  direction: Direction.default('higher'),
  minImprovement: z.coerce.number().min(0).default(0),
});
export type ShouldPromoteQuery = z.infer<typeof ShouldPromoteQuery>;

export const ShouldPromoteResponse = z.object({
  promote: z.boolean(),
  reason: z.string(),
  metric: z.string(),
  candidateVersion: z.string(),
  candidateValue: z.number().nullable(),
  productionVersion: z.string().nullable(),
  productionValue: z.number().nullable(),
  improvement: z.number().nullable(),
});
export type ShouldPromoteResponse = z.infer<typeof ShouldPromoteResponse>;

export const PromotionResponse = z.object({
  promoted: VersionResponse,
  archived: z.string().nullable(),
  decision: ShouldPromoteResponse.nullable(),
});
export type PromotionResponse = z.infer<typeof PromotionResponse>;

export const RollbackBody = z.strictObject({ to: VersionName.optional(), reason: Reason.optional() });
export type RollbackBody = z.infer<typeof RollbackBody>;

export const RollbackResponse = z.object({ production: VersionResponse, archived: z.string().nullable() });
export type RollbackResponse = z.infer<typeof RollbackResponse>;

// ---------------------------------------------------------------- aliases

export const AliasName = safeString()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_-]*$/, 'lower-case letters, digits, _ and -, starting with a letter');

export const SetAliasBody = z.strictObject({
  version: VersionName,
  /** Compare-and-set: the version the alias must point at now; `null` means it must not exist yet. */
  expectedVersion: VersionName.nullable().optional(),
  protected: z.boolean().optional(),
  /** Why, for the audit log. */
  reason: Reason.optional(),
});
export type SetAliasBody = z.infer<typeof SetAliasBody>;

export const DeleteAliasQuery = z.strictObject({ expectedVersion: VersionName.optional() });

export const AliasResponse = z.object({
  alias: z.string(),
  version: z.string(),
  protected: z.boolean(),
  updatedBy: z.string(),
  updatedAt: z.string(),
});
export type AliasResponse = z.infer<typeof AliasResponse>;

export const AliasHistoryEntry = z.object({
  fromVersion: z.string().nullable(),
  toVersion: z.string().nullable(),
  actor: z.string(),
  at: z.string(),
});
export const AliasDetailResponse = AliasResponse.extend({ history: z.array(AliasHistoryEntry) });

// ---------------------------------------------------------------- compare, retention, audit

export const CompareQuery = z.strictObject({
  versions: safeString()
    .max(2000)
    .transform((s) =>
      s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(VersionName).min(2).max(20)),
});

export const CompareResponse = z.object({
  versions: z.array(z.object({ version: z.string(), stage: Stage })),
  /** One row per metric; `diff` is each version's value minus the first version's. */
  metrics: z.array(
    z.object({
      name: z.string(),
      values: z.record(z.string(), z.number().nullable()),
      diff: z.record(z.string(), z.number().nullable()),
    }),
  ),
});
export type CompareResponse = z.infer<typeof CompareResponse>;

export const RetentionBody = z.strictObject({
  keepLatest: z.number().int().min(1).max(10_000),
  dryRun: z.boolean().default(false),
});
export type RetentionBody = z.infer<typeof RetentionBody>;

export const RetentionResponse = z.object({
  archived: z.array(z.string()),
  kept: z.array(z.string()),
  dryRun: z.boolean(),
});
export type RetentionResponse = z.infer<typeof RetentionResponse>;

/** The services that keep an audit log (`platform` is what the platform package owns: API keys, webhooks, maintenance). */
export const AuditService = z.enum(['registry', 'platform', 'experiments', 'drift', 'learning', 'serving']);
export type AuditService = z.infer<typeof AuditService>;

export const AuditQuery = PageQuery.extend({
  /** Only this service's entries. */
  service: AuditService.optional(),
  model: ModelName.optional(),
  /** Exactly this target (`<model>@<version>`, `experiment:<key>`, `monitor:<id>`, …). */
  target: safeString().min(1).max(512).optional(),
  /** Exactly this actor (a key's or token's subject). */
  actor: safeString().min(1).max(256).optional(),
  /** An action, or the start of one: `version.` matches every version action. */
  action: safeString()
    .min(1)
    .max(128)
    .regex(/^[a-z_.]+$/, 'lower-case letters, _ and .')
    .optional(),
  /** Entries at or after this time. */
  since: z.iso.datetime({ offset: true }).optional(),
  /** Entries before this time. */
  until: z.iso.datetime({ offset: true }).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEventResponse = z.object({
  /** Unique within its service's log only; (service, id) is unique across the merged log. */
  id: z.string(),
  service: AuditService,
  model: z.string().nullable(),
  action: z.string(),
  actor: z.string(),
  /** What changed. */
  target: z.string(),
  /** The same as target (its earlier name). */
  subject: z.string(),
  before: JsonValue.nullable(),
  after: JsonValue.nullable(),
  reason: z.string().nullable(),
  requestId: z.string().nullable(),
  at: z.string(),
});
export type AuditEventResponse = z.infer<typeof AuditEventResponse>;
export const AuditPage = pageOf(AuditEventResponse);
