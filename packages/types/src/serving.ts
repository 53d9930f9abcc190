import { z } from 'zod';
import { AliasName, VersionName, ValidationReport } from './registry.js';
import { safeString, safeText } from './common.js';
import { UnitId } from './experiments.js';

// ---------------------------------------------------------------- v1: predict

/** Most instances one predict call (or one OIP v2 batch) may carry. */
export const MAX_PREDICT_INSTANCES = 10_000;

/**
 * One instance: a record `{feature: value}` (numbers for numeric features, booleans for boolean
 * ones, strings for categorical ones), mapped to the model's input by the version's input schema,
 * or an array of numbers in the schema's order. Only the envelope is checked here: what a field
 * must hold depends on the version that serves the call, so the server checks the values against
 * it and names the instance and field of every bad one (`instances.3.tenure`).
 */
export const PredictInstance = z.union([
  z.record(safeString().max(256), z.unknown()).meta({ description: '{feature: number | boolean | string}' }),
  z.array(z.unknown()).max(100_000).meta({ description: 'numbers, in the order of the input schema' }),
]);

/** Which served version answers: a version number, or an alias (`champion`); production without. */
export const PredictTarget = z.union([z.strictObject({ version: VersionName }), z.strictObject({ alias: AliasName })]);
export type PredictTarget = z.infer<typeof PredictTarget>;

export const PredictReturn = z.enum(['probabilities']);

export const PredictBody = z.strictObject({
  instances: z.array(PredictInstance).min(1).max(MAX_PREDICT_INSTANCES),
  target: PredictTarget.optional(),
  /**
   * Who the call is for (a user, a session…): without a target, a model with a running experiment
   * answers with the variant the experiments service assigns this unit (sticky), and records the
   * unit's exposure; production otherwise.
   */
  unit: UnitId.optional().meta({ description: "the unit's id: routes to its experiment variant (sticky)" }),
  return: z.array(PredictReturn).max(PredictReturn.options.length).optional(),
});
export type PredictBody = z.infer<typeof PredictBody>;

/** A class label, a regression value, or a row of values when the model answers several per instance. */
export const PredictionValue = z.union([z.number(), z.string(), z.boolean(), z.array(z.union([z.number(), z.string(), z.boolean()]))]);

export const PredictResponse = z.object({
  model: z.string(),
  version: z.string(),
  /** The experiment (key) and variant that answered, when the call's unit was routed into one. */
  experiment: z.string().optional(),
  variant: z.string().optional(),
  predictions: z.array(PredictionValue),
  /** Per instance, one probability per class (in the model's class order); only when asked for. */
  probabilities: z.array(z.array(z.number())).optional(),
  /** One id per instance, to quote when sending its label back. */
  predictionIds: z.array(z.string()),
});
export type PredictResponse = z.infer<typeof PredictResponse>;

// ---------------------------------------------------------------- v1: feedback

/** Most labels one feedback call may carry. */
export const MAX_FEEDBACK_ITEMS = 10_000;

/** A label for an earlier prediction: a class (string, boolean or integer) or a regression value. */
export const FeedbackBody = z.strictObject({
  items: z
    .array(
      z.strictObject({
        predictionId: safeString().min(1).max(128),
        label: z.union([z.number(), safeString().max(256), z.boolean()]),
      }),
    )
    .min(1)
    .max(MAX_FEEDBACK_ITEMS),
});
export type FeedbackBody = z.infer<typeof FeedbackBody>;

/**
 * `forwarded.monitors`: labels the model's drift monitors joined to their prediction (summed over
 * monitors); `forwarded.pipelines`: samples queued for the model's learning pipelines (summed over
 * pipelines); `unknown`: items whose prediction serving no longer knows (expired, or never made).
 */
export const FeedbackResponse = z.object({
  received: z.number().int(),
  forwarded: z.object({ monitors: z.number().int(), pipelines: z.number().int() }),
  unknown: z.number().int(),
});
export type FeedbackResponse = z.infer<typeof FeedbackResponse>;

// ---------------------------------------------------------------- v1: what is served

export const LoadFailureReason = z.enum(['download', 'integrity', 'load', 'schema', 'warmup', 'validation']);
export type LoadFailureReason = z.infer<typeof LoadFailureReason>;

/** A version that should serve but could not be loaded; whatever served before keeps serving. */
export const LoadFailure = z.object({
  model: z.string(),
  version: z.string(),
  artifact: z.string(),
  reason: LoadFailureReason,
  error: z.string(),
  at: z.string(),
});
export type LoadFailure = z.infer<typeof LoadFailure>;

export const ServedFormat = z.enum(['onnx', 'learner']);
export type ServedFormat = z.infer<typeof ServedFormat>;

export const ServedVersion = z.object({
  version: z.string(),
  /** What answers for it: production, `alias:<name>` for each alias, `experiment:<key>/<variant>` for each variant, and `shadow`. */
  targets: z.array(z.string()),
  format: ServedFormat,
  artifact: z.string(),
  sha256: z.string(),
  sizeBytes: z.number().int(),
  /** Whether its session is in memory now (else it is loaded again from the disk cache on use). */
  inMemory: z.boolean(),
});

export const ServedModelResponse = z.object({
  model: z.string(),
  /** The version answering calls without a target, or null when none can. */
  production: z.string().nullable(),
  aliases: z.array(z.object({ alias: z.string(), version: z.string() })),
  /**
   * The model's running experiments. One routes units (`routing`: the one started first, once every
   * variant's version is loaded); the others are not routed by serving.
   */
  experiments: z.array(
    z.object({
      key: z.string(),
      routing: z.boolean(),
      variants: z.array(z.object({ variant: z.string(), version: z.string() })),
    }),
  ),
  versions: z.array(ServedVersion),
  failures: z.array(LoadFailure),
});
export type ServedModelResponse = z.infer<typeof ServedModelResponse>;

export const ServedModelsResponse = z.object({ items: z.array(ServedModelResponse) });
export type ServedModelsResponse = z.infer<typeof ServedModelsResponse>;

// ---------------------------------------------------------------- v1: shadow traffic

const ShadowFraction = z.number().min(0).max(1).meta({ description: 'share of predict requests also scored by the shadow' });
/** Two predictions agree when equal, or for numbers when they differ by at most this (regression). */
const ShadowTolerance = z.number().min(0).max(1e9).meta({ description: 'absolute tolerance for numeric predictions' });

/** Which version shadows the model: a version number, or an alias (followed when it moves). */
export const ShadowBody = z.union([
  z.strictObject({ version: VersionName, fraction: ShadowFraction, tolerance: ShadowTolerance.optional() }),
  z.strictObject({ alias: AliasName, fraction: ShadowFraction, tolerance: ShadowTolerance.optional() }),
]);
export type ShadowBody = z.infer<typeof ShadowBody>;

export const ShadowResponse = z.object({
  model: z.string(),
  /** Set when the shadow was named by version. */
  version: z.string().optional(),
  /** Set when the shadow was named by alias. */
  alias: z.string().optional(),
  fraction: z.number(),
  tolerance: z.number(),
  /** When this shadow was set; its report counts from here. */
  since: z.string(),
  /** The version this replica has loaded as the shadow (null while loading or when it failed: see GET /v1/models/:name). */
  loadedVersion: z.string().nullable(),
});
export type ShadowResponse = z.infer<typeof ShadowResponse>;

export const ShadowLatency = z.object({
  /** Calls timed. */
  count: z.number().int(),
  meanMs: z.number().nullable(),
  /** From a histogram with 10% wide buckets: the bucket's upper bound. */
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
});
export type ShadowLatency = z.infer<typeof ShadowLatency>;

export const ShadowReport = z.object({
  model: z.string(),
  /** The shadow version these figures are about (the alias's current one for an alias); null before any. */
  version: z.string().nullable(),
  alias: z.string().optional(),
  fraction: z.number(),
  tolerance: z.number(),
  since: z.string(),
  /**
   * Predict calls answered by another version while this shadow was loaded (seen), those picked for
   * shadowing (sampled), and what became of them: scored, failed (the shadow could not run on the
   * input), skipped (shadow scoring overloaded, or shutting down).
   */
  calls: z.object({
    seen: z.number().int(),
    sampled: z.number().int(),
    scored: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
  }),
  /** Instances scored by both. */
  instances: z.number().int(),
  /** Share of instances whose predictions agree (null before any). */
  agreement: z.number().nullable(),
  /** Mean over instances of the mean absolute difference of their scores (probabilities, else values); null when not comparable. */
  meanAbsDiff: z.number().nullable(),
  latency: z.object({ primary: ShadowLatency, shadow: ShadowLatency }),
});
export type ShadowReport = z.infer<typeof ShadowReport>;

/** POST /v1/models/:name/versions/:version/validate: the report, and whether the registry recorded it. */
export const ValidateVersionResponse = z.object({
  model: z.string(),
  version: z.string(),
  report: ValidationReport,
  /** False when the registry could not be reached: the report is serving's own, not on the version. */
  recorded: z.boolean(),
});
export type ValidateVersionResponse = z.infer<typeof ValidateVersionResponse>;

// ---------------------------------------------------------------- Open Inference Protocol v2 (KServe / Triton REST)

/** The protocol's tensor data types. FP16 is listed so a request naming it gets a clear refusal. */
export const OipDatatype = z.enum([
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
]);
export type OipDatatype = z.infer<typeof OipDatatype>;

export const OipParameters = z.record(safeString().max(256), z.union([safeText(), z.number(), z.boolean()]));

/**
 * `data` is row-major, flat or nested; its elements are checked against the datatype by the server.
 * With the binary tensor data extension an input has no `data`: `parameters.binary_data_size` says
 * how many bytes of the body after the JSON header are its elements (the server checks which is given).
 */
export const OipRequestInput = z.strictObject({
  name: safeString().min(1).max(256),
  shape: z.array(z.number().int().min(0)).max(16),
  datatype: OipDatatype,
  parameters: OipParameters.optional(),
  data: z.array(z.unknown()).optional(),
});

export const OipRequestOutput = z.strictObject({
  name: safeString().min(1).max(256),
  parameters: OipParameters.optional(),
});

export const OipInferRequest = z.strictObject({
  id: safeString().max(256).optional(),
  parameters: OipParameters.optional(),
  inputs: z.array(OipRequestInput).min(1).max(256),
  /** Only these outputs are returned; all of them without. */
  outputs: z.array(OipRequestOutput).max(256).optional(),
});
export type OipInferRequest = z.infer<typeof OipInferRequest>;

/** An output asked for in binary has no `data`: `parameters.binary_data_size` bytes after the JSON header are its elements. */
export const OipResponseOutput = z.object({
  name: z.string(),
  shape: z.array(z.number().int()),
  datatype: OipDatatype,
  parameters: OipParameters.optional(),
  data: z.array(z.union([z.number(), z.string(), z.boolean()])).optional(),
});

export const OipInferResponse = z.object({
  model_name: z.string(),
  model_version: z.string().optional(),
  id: z.string().optional(),
  parameters: OipParameters.optional(),
  outputs: z.array(OipResponseOutput),
});
export type OipInferResponse = z.infer<typeof OipInferResponse>;

/** A tensor's metadata; variable dimensions are -1. */
export const OipTensorMetadata = z.object({
  name: z.string(),
  datatype: OipDatatype,
  shape: z.array(z.number().int()),
});
export type OipTensorMetadata = z.infer<typeof OipTensorMetadata>;

export const OipModelMetadata = z.object({
  name: z.string(),
  versions: z.array(z.string()),
  platform: z.string(),
  inputs: z.array(OipTensorMetadata),
  outputs: z.array(OipTensorMetadata),
});
export type OipModelMetadata = z.infer<typeof OipModelMetadata>;

export const OipServerMetadata = z.object({ name: z.string(), version: z.string(), extensions: z.array(z.string()) });
export const OipLive = z.object({ live: z.boolean() });
export const OipReady = z.object({ ready: z.boolean() });
export const OipModelReady = z.object({ name: z.string(), ready: z.boolean() });

/** Every error on the /v2 routes, as the protocol defines it (with a 4xx, or 503 while unavailable). */
export const OipError = z.object({ error: z.string() });
