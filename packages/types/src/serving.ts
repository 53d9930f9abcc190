import { z } from 'zod';
import { AliasName, SemVer } from './registry.js';
import { safeString, safeText } from './common.js';

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
export const PredictTarget = z.union([z.strictObject({ version: SemVer }), z.strictObject({ alias: AliasName })]);
export type PredictTarget = z.infer<typeof PredictTarget>;

export const PredictReturn = z.enum(['probabilities']);

export const PredictBody = z.strictObject({
  instances: z.array(PredictInstance).min(1).max(MAX_PREDICT_INSTANCES),
  target: PredictTarget.optional(),
  return: z.array(PredictReturn).max(PredictReturn.options.length).optional(),
});
export type PredictBody = z.infer<typeof PredictBody>;

/** A class label, a regression value, or a row of values when the model answers several per instance. */
export const PredictionValue = z.union([z.number(), z.string(), z.boolean(), z.array(z.union([z.number(), z.string(), z.boolean()]))]);

export const PredictResponse = z.object({
  model: z.string(),
  version: z.string(),
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

export const LoadFailureReason = z.enum(['download', 'integrity', 'load', 'schema', 'warmup']);
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
  /** What answers for it: production, and `alias:<name>` for each alias pointing at it. */
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
  versions: z.array(ServedVersion),
  failures: z.array(LoadFailure),
});
export type ServedModelResponse = z.infer<typeof ServedModelResponse>;

export const ServedModelsResponse = z.object({ items: z.array(ServedModelResponse) });
export type ServedModelsResponse = z.infer<typeof ServedModelsResponse>;

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

/** `data` is row-major, flat or nested; its elements are checked against the datatype by the server. */
export const OipRequestInput = z.strictObject({
  name: safeString().min(1).max(256),
  shape: z.array(z.number().int().min(0)).max(16),
  datatype: OipDatatype,
  parameters: OipParameters.optional(),
  data: z.array(z.unknown()),
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

export const OipResponseOutput = z.object({
  name: z.string(),
  shape: z.array(z.number().int()),
  datatype: OipDatatype,
  parameters: OipParameters.optional(),
  data: z.array(z.union([z.number(), z.string(), z.boolean()])),
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
