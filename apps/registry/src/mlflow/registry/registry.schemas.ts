import { AliasName, ModelName, safeString, safeText, TagValue, TrackingKey } from '@modelyard/types';
import { z } from 'zod';

// Request bodies of MLflow's model registry (protos/model_registry.proto). Objects are not strict:
// MLflow ignores fields it does not know. GET and DELETE requests may carry these in the query string.

/** A name to look up: any safe string (one that names no model is RESOURCE_DOES_NOT_EXIST, as in MLflow). */
const lookupName = safeString().min(1).max(256);
/** MLflow's version: a string of a positive integer; clients also send numbers. */
const versionNumber = z
  .union([z.string().regex(/^\s*\d{1,9}\s*$/, 'a version number such as "3"'), z.number().int()])
  .transform(Number)
  .pipe(z.number().int().min(1, 'a version number such as "3"'));
const tag = z.object({ key: TrackingKey, value: TagValue.default('') });
const description = safeText().max(4000);
const pageToken = safeString().max(512).optional();
/** order_by arrives as an array in JSON, as repeated parameters (one string) in a query string. */
const orderBy = z
  .union([safeString().max(300), z.array(safeString().min(1).max(300)).max(10)])
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .optional();
const maxResults = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const CreateRegisteredModel = z.object({
  name: ModelName,
  tags: z.array(tag).max(100).optional(),
  description: description.optional(),
});
export const ModelByName = z.object({ name: lookupName });
export const RenameRegisteredModel = z.object({ name: lookupName, new_name: ModelName });
export const UpdateRegisteredModel = z.object({ name: lookupName, description: description.optional() });
/** MLflow's limits: 1000 registered models a page at most, 100 by default. */
export const SearchRegisteredModels = z.object({
  filter: safeString().max(4000).optional(),
  max_results: maxResults(1000, 100),
  order_by: orderBy,
  page_token: pageToken,
});
export const GetLatestVersions = z.object({
  name: lookupName,
  stages: z
    .union([safeString().max(32), z.array(safeString().max(32)).max(10)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional(),
});
export const ModelTag = z.object({ name: lookupName, key: TrackingKey, value: TagValue });
export const ModelTagKey = z.object({ name: lookupName, key: TrackingKey });
export const SetAlias = z.object({ name: lookupName, alias: AliasName, version: versionNumber });
export const AliasRef = z.object({ name: lookupName, alias: AliasName });

export const CreateModelVersion = z.object({
  name: lookupName,
  source: safeString().min(1).max(1024),
  run_id: safeString().max(64).optional(),
  tags: z.array(tag).max(100).optional(),
  run_link: safeString().max(1024).optional(),
  description: description.optional(),
});
export const VersionRef = z.object({ name: lookupName, version: versionNumber });
export const UpdateModelVersion = z.object({ name: lookupName, version: versionNumber, description: description.optional() });
export const TransitionStage = z.object({
  name: lookupName,
  version: versionNumber,
  stage: safeString().min(1).max(32),
  archive_existing_versions: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(false),
});
/** MLflow's limits: 200,000 model versions a page at most, 10,000 by default. */
export const SearchModelVersions = z.object({
  filter: safeString().max(4000).optional(),
  max_results: maxResults(200_000, 10_000),
  order_by: orderBy,
  page_token: pageToken,
});
export const VersionTag = z.object({ name: lookupName, version: versionNumber, key: TrackingKey, value: TagValue });
export const VersionTagKey = z.object({ name: lookupName, version: versionNumber, key: TrackingKey });

export type CreateRegisteredModel = z.infer<typeof CreateRegisteredModel>;
export type SearchRegisteredModels = z.infer<typeof SearchRegisteredModels>;
export type SearchModelVersions = z.infer<typeof SearchModelVersions>;
export type CreateModelVersion = z.infer<typeof CreateModelVersion>;
export type TransitionStage = z.infer<typeof TransitionStage>;
