import { z } from 'zod';
import { PageQuery, STRING_CHECKS, pageOf, safeString, safeText } from './common.js';

/** Severity levels, in increasing order (comparisons use {@link SEVERITY_RANK}). */
export const Severity = z.enum(['none', 'low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;
export const SEVERITY_RANK: Record<Severity, number> = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };
export const AlertSeverity = Severity.exclude(['none']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

export const ColumnKind = z.enum(['numeric', 'categorical']);
export type ColumnKind = z.infer<typeof ColumnKind>;

/** `auto` follows Evidently's rule (@modelyard/stats autoTest); the others force one test. */
export const DriftTestName = z.enum(['auto', 'ks', 'psi', 'chi2', 'js', 'wasserstein', 'z']);
export type DriftTestName = z.infer<typeof DriftTestName>;

export const ColumnName = safeString()
  .min(1)
  .max(128)
  .regex(/^[\w.:-]+$/, 'letters, digits and _ . : - only');

export const FeatureSpec = z.strictObject({
  name: ColumnName,
  kind: ColumnKind,
  test: DriftTestName.default('auto'),
  /** p-value tests: drift when p < threshold (default 0.05); distances: drift when >= threshold (default 0.1). */
  threshold: z.number().positive().max(1e6).optional(),
  /** The missing-share test (two-proportion z) flags the feature when p < this (default 0.05). */
  missingThreshold: z.number().positive().max(1).optional(),
  /** Numeric features: the valid range; values outside it are counted as out of range (default: the reference's range). */
  min: z.number().finite().optional(),
  max: z.number().finite().optional(),
});
export type FeatureSpec = z.infer<typeof FeatureSpec>;

export const ColumnSpec = z.strictObject({
  name: ColumnName,
  kind: ColumnKind,
  /**
   * Categorical label: the positive class of a binary classifier (precision, recall, F1, ROC AUC,
   * log loss). Default: the greater of the two classes in code-point order (scikit-learn's choice).
   */
  positive: safeString().min(1).max(256).optional(),
});
export type ColumnSpec = z.infer<typeof ColumnSpec>;

export const AlertSignal = z.enum([
  'success_rate',
  'latency_p95_ms',
  'mean_confidence',
  'error_rate',
  'accuracy',
  // Reference accuracy − CBPE-estimated accuracy (binary classifiers with confidence and a calibrated reference).
  'estimated_accuracy_drop',
  // z-scores against the reference period (see OperationalSignals): e.g. `error_rate_z > 3`.
  'confidence_z',
  'error_rate_z',
  'latency_mean_z',
  'latency_p95_z',
  // Data-quality signals of one feature (the rule's `feature`), as shares of the records in the rule's time span.
  'missing_share',
  'type_violation_share',
  'out_of_range_share',
  'unseen_category_share',
]);
export type AlertSignal = z.infer<typeof AlertSignal>;
/** Signals measured per feature: a rule on one of them names the feature. */
export const FEATURE_SIGNALS: readonly AlertSignal[] = [
  'missing_share',
  'type_violation_share',
  'out_of_range_share',
  'unseen_category_share',
];

export const AlertRule = z.strictObject({
  signal: AlertSignal,
  /** The feature a data-quality signal is measured on (required for those signals, refused for the others). */
  feature: ColumnName.optional(),
  condition: z.enum(['<', '>']),
  threshold: z.number().finite(),
  /** Only records whose `ts` falls in the last `windowSeconds` count (they must also be in the hot window). */
  windowSeconds: z
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .default(300),
  severity: AlertSeverity.default('medium'),
  /** Placeholders: {monitor} {signal} {feature} {value} {condition} {threshold}. */
  message: safeText().min(1).max(500).default('{monitor}: {signal} is {value} ({condition} {threshold})'),
});
export type AlertRule = z.infer<typeof AlertRule>;

/** Applied when a monitor names no rules (success rate is a share: 0.95 = 95 %). */
export const DEFAULT_ALERT_RULES: AlertRule[] = [
  {
    signal: 'success_rate',
    condition: '<',
    threshold: 0.95,
    windowSeconds: 300,
    severity: 'high',
    message: '{monitor}: success rate {value} is below {threshold}',
  },
  {
    signal: 'latency_p95_ms',
    condition: '>',
    threshold: 100,
    windowSeconds: 300,
    severity: 'medium',
    message: '{monitor}: latency p95 {value} ms is above {threshold} ms',
  },
];

const WebhookUrl = z
  .url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })
  .check(STRING_CHECKS.wellFormed, STRING_CHECKS.noControl)
  .max(2048);

export const Alerting = z.strictObject({
  webhookUrl: WebhookUrl.optional(),
  /** Signing secret for `webhookUrl`; generated (and shown once) when omitted. */
  webhookSecret: safeString().min(24).max(256).optional(),
  minSeverity: AlertSeverity.default('medium'),
  cooldownSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .default(3600),
});

export const Retrain = z.strictObject({
  pipelineId: z.uuid().optional(),
  minSeverity: AlertSeverity.default('high'),
  /** At most one retrain job per cool-down; defaults to the alerting cool-down. */
  cooldownSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .optional(),
});

export const DEFAULT_LABEL_HORIZON_SECONDS = 7 * 86_400;
const LabelHorizonSeconds = z
  .number()
  .int()
  .min(60)
  .max(90 * 86_400);

/**
 * What ingestion does with a value of the wrong type for its feature (a string where a number is
 * declared…): `count` keeps the batch, stores the value as invalid (never in the statistics) and
 * reports it; `reject` refuses the batch with a 400 naming the field.
 */
export const OnInvalid = z.enum(['count', 'reject']);
export type OnInvalid = z.infer<typeof OnInvalid>;

const MonitorFields = {
  name: safeString().min(1).max(128),
  model: safeString().min(1).max(128),
  version: safeString().min(1).max(64).optional(),
  features: z.array(FeatureSpec).min(1).max(500),
  prediction: ColumnSpec.optional(),
  label: ColumnSpec.optional(),
  window: z.strictObject({ size: z.number().int().min(10).max(200_000) }),
  schedule: z.strictObject({
    everySeconds: z
      .number()
      .int()
      .min(5)
      .max(7 * 86_400),
  }),
  alerting: Alerting.default({ minSeverity: 'medium', cooldownSeconds: 3600 }),
  retrain: Retrain.default({ minSeverity: 'high' }),
  alertRules: z.array(AlertRule).max(50).optional(),
  /** Labels sent later (`POST …/labels`) join records ingested at most this long ago (default 7 days). */
  labelHorizonSeconds: LabelHorizonSeconds.default(DEFAULT_LABEL_HORIZON_SECONDS),
  onInvalid: OnInvalid.default('count'),
};

export const CreateMonitorBody = z.strictObject(MonitorFields);
export type CreateMonitorBody = z.infer<typeof CreateMonitorBody>;

/** Features, prediction and label are fixed at creation: the stored windows and reference are laid out by them. */
export const UpdateMonitorBody = z
  .strictObject({
    name: MonitorFields.name,
    version: safeString().min(1).max(64).nullable(),
    window: MonitorFields.window,
    schedule: MonitorFields.schedule,
    alerting: Alerting,
    retrain: Retrain,
    alertRules: z.array(AlertRule).max(50),
    labelHorizonSeconds: LabelHorizonSeconds,
    onInvalid: OnInvalid,
  })
  .partial();
export type UpdateMonitorBody = z.infer<typeof UpdateMonitorBody>;

export const MonitorStatus = z.enum(['active', 'paused']);

export const MonitorResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  model: z.string(),
  version: z.string().nullable(),
  status: MonitorStatus,
  features: z.array(FeatureSpec),
  prediction: ColumnSpec.nullable(),
  label: ColumnSpec.nullable(),
  window: z.object({ size: z.number().int() }),
  schedule: z.object({ everySeconds: z.number().int() }),
  alerting: z.object({ webhookUrl: z.string().nullable(), minSeverity: AlertSeverity, cooldownSeconds: z.number().int() }),
  retrain: z.object({ pipelineId: z.uuid().nullable(), minSeverity: AlertSeverity, cooldownSeconds: z.number().int() }),
  alertRules: z.array(AlertRule),
  labelHorizonSeconds: z.number().int(),
  onInvalid: OnInvalid,
  reference: z.object({ rows: z.number().int(), version: z.number().int(), updatedAt: z.string().nullable() }),
  recordsIngested: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Only in the response that set a webhook URL: the secret its deliveries are signed with. */
  webhookSecret: z.string().optional(),
});
export type MonitorResponse = z.infer<typeof MonitorResponse>;
export const MonitorPage = pageOf(MonitorResponse);
export const ListMonitorsQuery = PageQuery.extend({ model: safeString().min(1).max(128).optional() });
export type ListMonitorsQuery = z.infer<typeof ListMonitorsQuery>;

export const FeatureValue = z.union([z.number(), safeString().max(256), z.boolean()]);

export const RecordId = safeString().min(1).max(128);

/**
 * One production record. Numbers must be finite (JSON's 1e999 parses as Infinity and is refused).
 * A feature left out or sent as `null` is stored as missing.
 */
export const DriftRecord = z.strictObject({
  /** The record's id, to join a label sent later (`POST …/labels`); generated when omitted. */
  id: RecordId.optional(),
  features: z.record(safeString().max(128), FeatureValue.nullable()),
  prediction: FeatureValue.optional(),
  label: FeatureValue.optional(),
  confidence: z.number().min(0).max(1).optional(),
  latencyMs: z.number().min(0).max(86_400_000).optional(),
  success: z.boolean().optional(),
  /** ISO time of the prediction; the time of ingestion when omitted. */
  ts: z.iso.datetime({ offset: true }).optional(),
});
export type DriftRecord = z.infer<typeof DriftRecord>;

export const MAX_BATCH_RECORDS = 10_000;
export const IngestRecordsBody = z.strictObject({ records: z.array(DriftRecord).min(1).max(MAX_BATCH_RECORDS) });
export type IngestRecordsBody = z.infer<typeof IngestRecordsBody>;
export const IngestRecordsResponse = z.object({
  accepted: z.number().int(),
  recordsIngested: z.number().int(),
  /** Each record's id, in the order sent: the client's, or the one generated for it. */
  ids: z.array(z.string()),
  /** Feature values of the wrong type, kept out of the statistics (monitors with `onInvalid: count`). */
  invalidValues: z.number().int(),
});

export const MAX_LABELS = 10_000;
export const LabelsBody = z.strictObject({
  labels: z
    .array(z.strictObject({ id: RecordId, label: FeatureValue }))
    .min(1)
    .max(MAX_LABELS),
});
export type LabelsBody = z.infer<typeof LabelsBody>;
/**
 * What a labels call did, label by label (they add up to `received`): `matched` labelled a record
 * for the first time, `replaced` changed its label, `unchanged` repeated the label it had, and
 * `unmatched` found no record with that id ingested within the monitor's label horizon.
 */
export const LabelsResponse = z.object({
  received: z.number().int(),
  matched: z.number().int(),
  replaced: z.number().int(),
  unchanged: z.number().int(),
  unmatched: z.number().int(),
});
export type LabelsResponse = z.infer<typeof LabelsResponse>;

/** Either records (the ingestion shape) or columns {name: values}; `append` adds to the current reference. */
export const ReferenceBody = z.union([
  z.strictObject({ records: z.array(DriftRecord).min(1).max(MAX_BATCH_RECORDS), append: z.boolean().default(false) }),
  z.strictObject({
    /** `null` is a missing value (it counts in the reference's missing share). */
    columns: z.record(safeString().max(128), z.array(FeatureValue.nullable()).min(1).max(200_000)),
    append: z.boolean().default(false),
  }),
]);
export type ReferenceBody = z.infer<typeof ReferenceBody>;
export const ReferenceResponse = z.object({ rows: z.number().int(), version: z.number().int(), columns: z.array(z.string()) });

export const FeatureDrift = z.object({
  name: z.string(),
  test: z.string(),
  statistic: z.number(),
  pValue: z.number().nullable(),
  threshold: z.number(),
  drifted: z.boolean(),
  severity: Severity,
});
export type FeatureDrift = z.infer<typeof FeatureDrift>;

export const OperationalSignals = z.object({
  records: z.number().int(),
  meanConfidence: z.number().nullable(),
  /** (mean − reference mean) / (reference sd / √n): how unusual the window's mean confidence is. */
  confidenceZ: z.number().nullable(),
  successRate: z.number().nullable(),
  errorRate: z.number().nullable(),
  /** Pooled two-proportion z of the window's error rate against the reference period's. */
  errorRateZ: z.number().nullable().default(null),
  meanLatencyMs: z.number().nullable().default(null),
  /** (mean − reference mean) / (reference sd / √n) of the latency. */
  latencyMeanZ: z.number().nullable().default(null),
  latencyP95Ms: z.number().nullable(),
  /** (share above the reference p95 − 0.05) / √(0.05·0.95/n): how unusual the window's tail is. */
  latencyP95Z: z.number().nullable().default(null),
});

/** A p-value test of the change of a feature's missing share (two-proportion z, pooled). */
export const MissingShareTest = z.object({
  z: z.number(),
  pValue: z.number(),
  threshold: z.number(),
  drifted: z.boolean(),
  severity: Severity,
});

/** A bad value of a feature and why it was kept out of the statistics. */
export const InvalidValue = z.object({ value: z.union([z.number(), z.string(), z.boolean()]), message: z.string() });

/**
 * Data quality of one feature in the window: shares are of the window's records (missing, type
 * violations) or of its present values (out of range, unseen categories).
 */
export const FeatureQuality = z.object({
  name: z.string(),
  missing: z.number().int(),
  missingShare: z.number().nullable(),
  referenceMissingShare: z.number().nullable(),
  missingTest: MissingShareTest.nullable(),
  typeViolations: z.number().int(),
  typeViolationShare: z.number().nullable(),
  /** Up to 5 of the window's type violations, newest last. */
  invalidSample: z.array(InvalidValue),
  /** Numeric: values outside [min, max] (declared on the feature, else the reference's). */
  outOfRange: z.number().int().nullable(),
  outOfRangeShare: z.number().nullable(),
  range: z.object({ min: z.number().nullable(), max: z.number().nullable() }).nullable(),
  /** Categorical: present values whose category the reference never saw. */
  unseenCategories: z.number().int().nullable(),
  unseenCategoryShare: z.number().nullable(),
  /** Up to 5 distinct unseen categories. */
  unseenSample: z.array(z.string()),
});
export type FeatureQuality = z.infer<typeof FeatureQuality>;

export const RuleResult = z.object({
  signal: AlertSignal,
  feature: z.string().nullable().default(null),
  condition: z.string(),
  threshold: z.number(),
  value: z.number(),
  severity: AlertSeverity,
  message: z.string(),
});

export const DriftReportBody = z.object({
  features: z.array(FeatureDrift),
  prediction: FeatureDrift.nullable(),
  performance: z
    .object({
      labelled: z.number().int(),
      /** labelled / records in the window (labels sent with the record or joined later). */
      labelledShare: z.number().nullable().default(null),
      accuracy: z.number().nullable(),
      /** Binary: of the positive class; more than two classes: macro averages. */
      precision: z.number().nullable().default(null),
      recall: z.number().nullable().default(null),
      f1: z.number().nullable().default(null),
      /** Binary, from `confidence` = the model's probability of its predicted class. */
      rocAuc: z.number().nullable().default(null),
      logLoss: z.number().nullable().default(null),
      /** The positive class the binary metrics use, or null (macro averages, or a regression). */
      positiveClass: z.string().nullable().default(null),
      mae: z.number().nullable(),
      rmse: z.number().nullable(),
      /**
       * Binary classifiers: performance estimated without labels (CBPE) on every record of the
       * window with a confidence, from probabilities calibrated (isotonic) on the reference's
       * labelled records; beside the realized metrics above.
       */
      estimated: z
        .object({
          method: z.literal('cbpe-isotonic'),
          records: z.number().int(),
          accuracy: z.number(),
          accuracyInterval: z.tuple([z.number(), z.number()]),
          precision: z.number().nullable(),
          recall: z.number().nullable(),
          f1: z.number().nullable(),
          rocAuc: z.number().nullable(),
          /** Realized accuracy of the reference's calibration records: what a drop is measured from. */
          referenceAccuracy: z.number(),
        })
        .nullable()
        .default(null),
      /** Time from a record's `ts` to its label joined later, over the window's late-labelled records. */
      labelDelayP50Ms: z.number().nullable().default(null),
      labelDelayP95Ms: z.number().nullable().default(null),
    })
    .nullable(),
  signals: OperationalSignals,
  /** Per feature (reports written before data-quality signals have none). */
  quality: z.array(FeatureQuality).default([]),
  rules: z.array(RuleResult),
  severity: Severity,
  driftedShare: z.number(),
  recommendations: z.array(z.string()),
});
export type DriftReportBody = z.infer<typeof DriftReportBody>;

export const ReportResponse = DriftReportBody.extend({
  id: z.uuid(),
  monitorId: z.uuid(),
  trigger: z.enum(['schedule', 'manual']),
  windowSeq: z.number().int(),
  /** The monitor's label counter at the check: a window is checked again once labels changed. */
  labelSeq: z.number().int(),
  windowRecords: z.number().int(),
  referenceRows: z.number().int(),
  referenceVersion: z.number().int(),
  retrainTriggered: z.boolean(),
  durationMs: z.number(),
  createdAt: z.string(),
});
export type ReportResponse = z.infer<typeof ReportResponse>;
export const ReportPage = pageOf(ReportResponse);

export const AlertResponse = z.object({
  id: z.uuid(),
  monitorId: z.uuid(),
  model: z.string(),
  kind: z.enum(['drift', 'rule']),
  key: z.string(),
  severity: AlertSeverity,
  message: z.string(),
  reportId: z.uuid().nullable(),
  status: z.enum(['active', 'acknowledged']),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type AlertResponse = z.infer<typeof AlertResponse>;
export const AlertPage = pageOf(AlertResponse);
export const ListAlertsQuery = PageQuery.extend({
  status: z.enum(['active', 'acknowledged']).optional(),
  monitorId: z.uuid().optional(),
  model: safeString().min(1).max(128).optional(),
});
export type ListAlertsQuery = z.infer<typeof ListAlertsQuery>;

export const RecordsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
export const RecentRecord = DriftRecord.extend({ ts: z.string() });
export const RecordsResponse = z.object({ items: z.array(RecentRecord) });

export const DashboardResponse = z.object({
  model: z.string(),
  health: z.enum(['healthy', 'degraded', 'unhealthy', 'unknown']),
  /** The last 24 hours by record time; `recordsAllTime` counts every record since the monitor began. */
  totals: z.object({
    records: z.number().int(),
    recordsAllTime: z.number().int(),
    successRate: z.number().nullable(),
    meanLatencyMs: z.number().nullable(),
    recentAccuracy: z.number().nullable(),
  }),
  hourly: z.array(
    z.object({
      hour: z.string(),
      records: z.number().int(),
      successRate: z.number().nullable(),
      meanLatencyMs: z.number().nullable(),
      accuracy: z.number().nullable(),
    }),
  ),
  activeAlerts: z.array(AlertResponse),
  monitors: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      status: MonitorStatus,
      latest: z.object({ reportId: z.uuid(), severity: Severity, driftedShare: z.number(), createdAt: z.string() }).nullable(),
    }),
  ),
});
export type DashboardResponse = z.infer<typeof DashboardResponse>;

/**
 * A feature's reference and current-window distributions, binned the same way so they overlay:
 * numeric features in equal-width bins over both samples' range (`from`/`to`), categorical ones
 * by category (the most frequent ones, the rest together as `other`). Shares of the present
 * (non-missing) values.
 */
export const DistributionResponse = z.object({
  feature: z.string(),
  kind: ColumnKind,
  referenceRows: z.number().int(),
  currentRows: z.number().int(),
  bins: z.array(
    z.object({
      label: z.string(),
      from: z.number().nullable(),
      to: z.number().nullable(),
      reference: z.number(),
      current: z.number(),
    }),
  ),
});
export type DistributionResponse = z.infer<typeof DistributionResponse>;

/**
 * A window of record time ending now, for checks beyond the hot window's raw cap: merged from the
 * hourly summaries (KLL sketches, category counts), which are kept 8 days.
 */
export const TimeWindow = z.union([
  z.strictObject({ lastHours: z.number().int().min(1).max(192) }),
  z.strictObject({ lastDays: z.number().int().min(1).max(8) }),
]);
export type TimeWindow = z.infer<typeof TimeWindow>;

export const WindowCheckBody = z.strictObject({ window: TimeWindow });
export type WindowCheckBody = z.infer<typeof WindowCheckBody>;

/** How a feature's test was computed: on the raw values, or on sketches (within `bound`). */
export const TestMethod = z.enum(['exact', 'sketch']);

export const WindowFeatureDriftResponse = FeatureDrift.extend({
  method: TestMethod,
  /** Largest error of `statistic` the method allows (0 for exact; see apps/drift/README.md). */
  bound: z.number(),
  /** Present values of the feature in the window. */
  values: z.number().int(),
});
export type WindowFeatureDriftResponse = z.infer<typeof WindowFeatureDriftResponse>;

/** The result of a time-window check (computed by the worker, kept 24 hours with its job). */
export const WindowCheckResponse = z.object({
  monitorId: z.uuid(),
  from: z.string(),
  to: z.string(),
  /** Records whose `ts` falls in the window. */
  records: z.number().int(),
  method: TestMethod,
  features: z.array(WindowFeatureDriftResponse),
  severity: Severity,
  driftedShare: z.number(),
  durationMs: z.number(),
});
export type WindowCheckResponse = z.infer<typeof WindowCheckResponse>;

/** Where a queued time-window check is: `queued`, `running`, `done` (with `result`) or `failed` (with `error`). */
export const WindowCheckStatus = z.enum(['queued', 'running', 'done', 'failed']);
export type WindowCheckStatus = z.infer<typeof WindowCheckStatus>;

/** A time-window check as queued (`POST …/check/window`) and as polled (`GET …/check/window/:checkId`). */
export const WindowCheckJobResponse = z.object({
  checkId: z.uuid(),
  monitorId: z.uuid(),
  window: TimeWindow,
  requestedAt: z.string(),
  status: WindowCheckStatus,
  result: WindowCheckResponse.nullable(),
  error: z.string().nullable(),
});
export type WindowCheckJobResponse = z.infer<typeof WindowCheckJobResponse>;

/** A reference from the monitor's own production records of a past time range (by record time). */
export const ReferenceFromRangeBody = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
});
export type ReferenceFromRangeBody = z.infer<typeof ReferenceFromRangeBody>;
